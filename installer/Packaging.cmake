# CPack: a .deb for Debian 12 and a .tar.gz. After `cmake --build build`, run `cpack` in build/
# (scripts/package-check.sh builds the .deb and installs it on a fresh Debian 12 root).

# What the package carries besides the binary, desktop entry, icon and AppStream metadata
# (resources/CMakeLists.txt): the manual page and the changelog, gzipped as Debian wants them
# (-n: no name or time stamp inside, so the same sources give the same bytes), bash completion and
# the copyright file.
find_program(GZIP_EXECUTABLE gzip REQUIRED)
set(pvadmin_installer_out ${PROJECT_BINARY_DIR}/installer)
configure_file(${CMAKE_CURRENT_LIST_DIR}/pvadmin.1.in ${pvadmin_installer_out}/pvadmin.1 @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog ${pvadmin_installer_out}/changelog COPYONLY)
foreach(doc pvadmin.1 changelog)
    add_custom_command(OUTPUT ${pvadmin_installer_out}/${doc}.gz
        COMMAND ${GZIP_EXECUTABLE} -9nkf ${doc}
        DEPENDS ${pvadmin_installer_out}/${doc}
        WORKING_DIRECTORY ${pvadmin_installer_out}
        VERBATIM)
endforeach()
add_custom_target(pvadmin_docs ALL DEPENDS ${pvadmin_installer_out}/pvadmin.1.gz ${pvadmin_installer_out}/changelog.gz)
install(FILES ${pvadmin_installer_out}/pvadmin.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/pvadmin.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME pvadmin)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright ${pvadmin_installer_out}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The guides, which Help → Documentation opens: the README (its pictures are docs/screenshots/*.png beside it) and docs/.
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md" PATTERN "*.png")
# `pvadmin watch` as a systemd user service (systemctl --user enable --now pvadmin-watch).
configure_file(${CMAKE_CURRENT_LIST_DIR}/pvadmin-watch.service.in ${pvadmin_installer_out}/pvadmin-watch.service @ONLY)
install(FILES ${pvadmin_installer_out}/pvadmin-watch.service DESTINATION lib/systemd/user)

set(CPACK_PACKAGE_NAME "pvadmin")
set(CPACK_PACKAGE_VENDOR "Pageview Warehouse Admin developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "load and inspect a warehouse of website pageviews by UK postcode")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "Pageview Warehouse Admin (pvadmin) loads daily users snapshots and hourly\n"
    "pageviews extracts into a SQLite warehouse and counts each UK postcode's\n"
    "pageviews on two bases: under each user's current postcode, and under the\n"
    "postcode the user had when the pageview happened.\n"
    "\n"
    "It is a Qt desktop application (overview of loads, import with preview,\n"
    "load runs and rejected lines, postcode history, charts, CSV reports) and a\n"
    "headless command line for cron and scripts.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "pvadmin developers <pvadmin@example.org>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "pvadmin")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Libraries the binary links come from dpkg-shlibdeps (it needs dpkg-dev where cpack runs).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Qt plugins are loaded at run time, so shlibdeps cannot see them:
#   libqt6sql6-sqlite  sqldrivers/libqsqlite.so, the embedded warehouse's driver;
#   libqt6sql6-psql    sqldrivers/libqsqlpsql.so, a PostgreSQL warehouse's (libpq itself is linked);
#   libqt6svg6         imageformats/libqsvg.so and iconengines/libqsvgicon.so, for the SVG icon.
# The xcb platform plugin (platforms/libqxcb.so) is in libqt6gui6 on Debian 12, which shlibdeps
# lists; qt6-qpa-plugins holds only the vnc and TUIO plugins. Fonts come through libqt6gui6's
# fontconfig dependency (fontconfig-config depends on fonts-dejavu-core or another font).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6sql6-psql, libqt6svg6")
include(CPack)
