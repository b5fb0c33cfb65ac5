# Run by CPack before it packs (CPACK_PRE_BUILD_SCRIPTS): puts the node settings file into the
# package as /etc/plumb/agent.toml, a conffile. Neither an install() rule nor file(INSTALL) (which follows DESTDIR), so that
# `cmake --install` never writes into the host's /etc.
file(COPY "${CPACK_PLUMB_SOURCE_DIR}/packaging/debian/agent.toml" DESTINATION "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/etc/plumb"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
