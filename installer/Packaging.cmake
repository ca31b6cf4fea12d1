# CPack: a .deb for Debian 12 and a .tar.gz. Build with `cpack --config build/CPackConfig.cmake`
# after `cmake --build build`.
set(CPACK_PACKAGE_NAME "pvadmin")
set(CPACK_PACKAGE_VENDOR "Pageview Warehouse Admin developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "pvadmin developers <pvadmin@example.org>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "pvadmin")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Loaded at run time as Qt plugins, so shlibdeps cannot see them.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite")
include(CPack)
