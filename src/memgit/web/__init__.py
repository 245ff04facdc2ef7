"""``memgit serve``: a read-only web viewer of memory, on 127.0.0.1 only.

``app`` holds the routes; ``views``, ``session_views`` and ``parts`` the pages; ``html`` the
escaping templates; ``markdown`` and ``chart`` the two renderers; ``guard`` the local-only,
read-only front door; ``server`` the socket and the HTTP server. Starlette and uvicorn are
imported under this package only, so every other command starts as fast as before.
"""
