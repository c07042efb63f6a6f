"""The reference's shared conformance suite, run against a conformance worker.

Everything the pinned ``vgi-rpc`` ships as its cross-port pytest suite is collected here
unchanged; ``conftest.py`` next to this file supplies the fixtures it asks for, backed by the
worker in ``$CONFORMANCE_WORKER`` over the transport in ``$CONFORMANCE_TRANSPORT``.
"""

from vgi_rpc.conformance._pytest_suite import *  # noqa: F403
