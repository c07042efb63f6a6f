"""The reference's shared conformance suite, replayed through arrow-rpc's client.

The suite (``vgi_rpc.conformance._pytest_suite``) is collected unchanged; ``conftest.py`` next to
this file binds its connections to the client driver in ``$VGI_CLIENT_DRIVER``
(``conformance/bin/client-driver``) through the reference's ``vgi_rpc.conformance.client_driver``,
so every call is made by the Java client against the server the parent ``conftest.py`` starts.
"""

from vgi_rpc.conformance._pytest_suite import *  # noqa: F403
