# The Debian package of plumb, built with CPack (`cpack -G DEB` in the build folder):
# /usr/bin/plumb, plumb(1), the bash completion, the policy library in /usr/share/plumb/policies,
# the docs in /usr/share/doc/plumb, /etc/plumb/agent.toml (a conffile, every key commented out),
# and /var/lib/plumb (0700) made by postinst.
# tests/e2e/debian_package_test.cc builds it, runs lintian on it and installs it into a Debian root.

set(PLUMB_PACKAGE_DIR ${CMAKE_CURRENT_BINARY_DIR}/package)
# Debian wants the man page and the changelog compressed, without a timestamp (gzip -n).
add_custom_command(OUTPUT ${PLUMB_PACKAGE_DIR}/plumb.1.gz ${PLUMB_PACKAGE_DIR}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PLUMB_PACKAGE_DIR}
  COMMAND sh -c "gzip -9n < '${PLUMB_DOCS_DIR}/plumb.1' > '${PLUMB_PACKAGE_DIR}/plumb.1.gz'"
  COMMAND sh -c "printf 'plumb (%s) unstable; urgency=medium\\n\\n  * Release %s.\\n\\n -- %s  Thu, 01 Jan 2026 00:00:00 +0000\\n' '${PROJECT_VERSION}' '${PROJECT_VERSION}' 'plumb developers <maintainers@users.noreply.r-seed-9b7901e8.example>' | gzip -9n > '${PLUMB_PACKAGE_DIR}/changelog.gz'"
  DEPENDS ${PLUMB_DOCS_DIR}/plumb.1 VERBATIM)
add_custom_target(plumb_package_files ALL DEPENDS ${PLUMB_PACKAGE_DIR}/plumb.1.gz ${PLUMB_PACKAGE_DIR}/changelog.gz)

install(FILES ${PLUMB_PACKAGE_DIR}/plumb.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PLUMB_DOCS_DIR}/plumb.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME plumb)
install(DIRECTORY policies/ DESTINATION ${CMAKE_INSTALL_DATADIR}/plumb/policies)
install(FILES README.md ${PLUMB_PACKAGE_DIR}/changelog.gz packaging/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME plumb)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "plumb developers <maintainers@users.noreply.r-seed-9b7901e8.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "configuration-as-code enforcement for Linux and Windows nodes")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "plumb tests and converges a node against desired-state policies written in
TOML and kept in a git repository: files, packages, services, accounts,
kernel parameters and Augeas edits on Linux; registry, services, features,
firewall rules and cluster properties on Windows. It orders resources in a
dependency graph, schedules the reboots that changes need, and writes
compliance reports that a fleet report aggregates.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl is loaded at the first HTTP request (engine/os/linux/curl_api.h), so the shared-library
# scan does not see it.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "augeas-lenses, gpgv")  # gpgv: OpenPGP-signed commits (plumb pull)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libpq5")  # plumb report --ingest/--from: loaded when a report connects (engine/os/linux/sql_libpq.cc)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/postrm ${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_PLUMB_SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR})  # read by package_conffiles.cmake
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_SOURCE_DIR}/cmake/package_conffiles.cmake)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
include(CPack)
