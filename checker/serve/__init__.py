"""``replylint serve``: a local web page for drafting staff and the HTTP API it uses.

``server`` answers the requests (standard library ``http.server``); ``jobs`` reads and checks the letters
in a supervised pool of worker processes; ``static/`` holds the page. Imported only by ``replylint serve``.
"""
