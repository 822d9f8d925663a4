"""How each app server process tunes Python's garbage collector once the app is loaded.

A progress dashboard view allocates tens of thousands of small objects. With Python's
defaults, a collection runs every 700 allocations and a full one walks every object of the
process, all of Django's included, several times a request. Freezing what loading the app
made takes those out of every collection, and a higher first threshold runs the young
collection less often; memory held by unreachable cycles waits a little longer, which is
nothing beside a worker's size (docs/BENCHMARKS.md, round five).
"""

import gc

YOUNG_THRESHOLD = 20_000


def tune():
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
