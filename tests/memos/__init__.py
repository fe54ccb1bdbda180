"""A test-only app: memos posted in spaces.

Loaded only when TRIPARTITE_TESTING is set (config/settings.py). It stands for the apps
still to come (meetings, outcomes, events): it plugs into every seam — notifications,
search, the site socket, reminders, home panels, demo data, personal feed tokens and the
test harness — from its own modules, and the suite proves each delivers to the right
people and keeps caucus memos inside their caucus, without any registry module naming it.
"""
