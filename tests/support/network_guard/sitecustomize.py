"""Refuse network connections in kernels started by the tests (COURSE_NO_NETWORK=1).

The test suite puts this folder on PYTHONPATH, so every Python process it
starts (notebook kernels, nbgrader) imports this module first.  Connections to
the loopback interface (the kernel's own ZeroMQ sockets) and Unix sockets are
allowed; anything else raises ``OSError`` at once, so a download attempted
at build or test time fails loudly instead of passing unnoticed.
"""

import os
import socket

if os.environ.get("COURSE_NO_NETWORK") == "1":
    _LOCAL = ("127.", "::1", "localhost", "0.0.0.0")
    _real_connect = socket.socket.connect
    _real_connect_ex = socket.socket.connect_ex
    _real_getaddrinfo = socket.getaddrinfo

    def _allowed(address) -> bool:
        if isinstance(address, (str, bytes)):  # AF_UNIX path
            return True
        host = str(address[0])
        return host.startswith(_LOCAL)

    def _refuse(address):
        raise OSError(f"network access is disabled in the course tests (tried {address!r})")

    def connect(self, address):
        if not _allowed(address):
            _refuse(address)
        return _real_connect(self, address)

    def connect_ex(self, address):
        if not _allowed(address):
            _refuse(address)
        return _real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not str(host).startswith(_LOCAL) and host not in ("", b""):
            _refuse(host)
        return _real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
