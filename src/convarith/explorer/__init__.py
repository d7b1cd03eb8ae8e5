"""The interactive explorer: its controls, what the page shows, and the server behind ``convarith serve``.

Only :mod:`convarith.explorer.app` and :mod:`convarith.explorer.server`
import Starlette and uvicorn, and only ``convarith serve`` imports them.
"""
