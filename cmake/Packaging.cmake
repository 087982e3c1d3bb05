# cpack -G DEB (run in a build directory, best the `portable` preset's): a Debian package whose library
# dependencies dpkg-shlibdeps computes from the installed programs.
set(CPACK_PACKAGE_NAME gradlens)
set(CPACK_PACKAGE_VENDOR "Gradient Lens")
set(CPACK_PACKAGE_CONTACT "Gradient Lens maintainers <gradlens@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "See, check and descend the gradient of a weighted low-rank fit")
set(CPACK_PACKAGE_DESCRIPTION
    "Gradient Lens shows the residual and the gradient of f(gamma) = ||R - P o (gamma gamma^T)||^2, checks the \
gradient against numerical ones and runs gradient descent, in a Qt window and on the command line.")
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}_amd64")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Loaded at run time rather than linked, so dpkg-shlibdeps cannot see them: the SVG plugins (the window's
# icon) and the platform plugins' XKB support.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
include(CPack)
