# The analyst's screens (History, Charts, Reports), included by ui/CMakeLists.txt.
target_sources(pvui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/periodselector.h ${CMAKE_CURRENT_LIST_DIR}/periodselector.cpp
    ${CMAKE_CURRENT_LIST_DIR}/basesexplained.h ${CMAKE_CURRENT_LIST_DIR}/basesexplained.cpp
    ${CMAKE_CURRENT_LIST_DIR}/scrolledscreen.h ${CMAKE_CURRENT_LIST_DIR}/scrolledscreen.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pageviewchartview.h ${CMAKE_CURRENT_LIST_DIR}/pageviewchartview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/chartimagedialog.h ${CMAKE_CURRENT_LIST_DIR}/chartimagedialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/historyscreen.h ${CMAKE_CURRENT_LIST_DIR}/historyscreen.cpp
    ${CMAKE_CURRENT_LIST_DIR}/chartsscreen.h ${CMAKE_CURRENT_LIST_DIR}/chartsscreen.cpp
    ${CMAKE_CURRENT_LIST_DIR}/reportsscreen.h ${CMAKE_CURRENT_LIST_DIR}/reportsscreen.cpp
)
