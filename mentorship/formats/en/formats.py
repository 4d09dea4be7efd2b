"""Date formats for English pages: 24-hour times with the zone named ("30 Nov 2026, 16:17 PST").

Every page is rendered in the viewer's own zone (accounts.middleware), so a time without its
zone would be ambiguous to a coordinator reading another person's times in the admin.
"""

DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
TIME_FORMAT = "H:i"
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "Y-m-d"
