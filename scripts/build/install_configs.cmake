# Part of cmake --install (install(SCRIPT) in CMakeLists.txt): installs the
# example configs into DATADIR/gan/configs with "data/mnist10k/..." replaced by
# the installed copy's absolute path, so that an installed config trains from
# any directory. Other data paths (CIFAR-10, Fashion-MNIST, an image folder)
# stay relative: that data is not shipped and is where the user puts it.
if(IS_ABSOLUTE "${GAN_DATADIR}")
  set(share "${GAN_DATADIR}/gan")
else()
  set(share "${CMAKE_INSTALL_PREFIX}/${GAN_DATADIR}/gan")
endif()
set(staged "${GAN_BINARY_DIR}/installed-configs")
file(REMOVE_RECURSE "${staged}")
file(MAKE_DIRECTORY "${staged}")
file(GLOB configs "${GAN_SOURCE_DIR}/configs/*.json")
foreach(config ${configs})
  file(READ "${config}" text)
  string(REPLACE "\"data/mnist10k/" "\"${share}/data/mnist10k/" text "${text}")
  get_filename_component(name "${config}" NAME)
  file(WRITE "${staged}/${name}" "${text}")
endforeach()
# file(INSTALL) honours DESTDIR and records the files in install_manifest.txt
file(GLOB staged_configs "${staged}/*.json")
file(INSTALL ${staged_configs} DESTINATION "${share}/configs")
