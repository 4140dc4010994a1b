# cmake -DLAYERS=core,storage,… -DSERVICES_DIR=<services/> -P checklayers.cmake
# Fails, naming each file and line, when a folder of services/ includes a folder after it in LAYERS (the order of
# TWINOPS_SERVICE_LAYERS in services/CMakeLists.txt), or when a folder is missing from LAYERS. `servicecore` is
# servicecore.h/.cpp at the top of services/.
cmake_minimum_required(VERSION 3.21)
string(REPLACE "," ";" layers "${LAYERS}")
string(JOIN " < " order ${layers})
list(LENGTH layers layer_count)
set(violations 0)

file(GLOB entries LIST_DIRECTORIES true RELATIVE ${SERVICES_DIR} ${SERVICES_DIR}/*)
foreach(entry IN LISTS entries)
    if(IS_DIRECTORY ${SERVICES_DIR}/${entry} AND NOT entry IN_LIST layers)
        message(NOTICE "services/${entry}/ is not in TWINOPS_SERVICE_LAYERS (services/CMakeLists.txt): "
                           "give it its place in the order ${order}")
        math(EXPR violations "${violations} + 1")
    endif()
endforeach()

foreach(layer IN LISTS layers)
    list(FIND layers ${layer} position)
    math(EXPR next "${position} + 1")
    set(higher)
    if(next LESS layer_count)
        list(SUBLIST layers ${next} -1 higher)
    endif()
    if(layer STREQUAL "servicecore")
        file(GLOB files ${SERVICES_DIR}/*.h ${SERVICES_DIR}/*.cpp)
    else()
        file(GLOB_RECURSE files ${SERVICES_DIR}/${layer}/*.h ${SERVICES_DIR}/${layer}/*.cpp)
    endif()
    foreach(file IN LISTS files)
        file(READ ${file} text)
        # "\n" before the match: only real include lines, not ones quoted in comments.
        string(REGEX MATCHALL "\n[ \t]*#[ \t]*include[ \t]*[\"<]([a-z_]+/[^\">\n]*|servicecore\\.h)[\">]" includes
               "\n${text}")
        foreach(include IN LISTS includes)
            string(REGEX REPLACE "^\n[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">]$" "\\1" included "${include}")
            string(REGEX REPLACE "/.*$|\\.h$" "" included_layer "${included}")
            if(NOT included_layer IN_LIST higher)
                continue()
            endif()
            string(FIND "\n${text}" "${include}" offset)
            string(SUBSTRING "\n${text}" 0 ${offset} before)
            string(REGEX MATCHALL "\n" newlines "${before}")
            list(LENGTH newlines line)
            math(EXPR line "${line} + 1")
            file(RELATIVE_PATH path ${SERVICES_DIR}/.. ${file})
            message(NOTICE "${path}:${line}: error: ${layer} includes ${included}, but ${included_layer} is a "
                               "higher layer (${order}; docs/decisions.md, \"Issue #17: layers\")")
            math(EXPR violations "${violations} + 1")
        endforeach()
    endforeach()
endforeach()

if(violations GREATER 0)
    message(FATAL_ERROR "services/ breaks its layer order in ${violations} place(s), listed above")
endif()
