"""The access test harness: the permission matrix's shared world and the canary crawl's
URL enumeration, cases and assertions. Later issues extend ``tests/access/cases.py`` (a case
for every URL pattern they add) and ``tests.world.seed_canary`` (their caucus content)."""
