"""The desktop GUI: the only package that imports Qt. It talks to services through AppContext."""
