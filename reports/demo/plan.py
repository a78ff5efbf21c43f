"""What the demo data must reproduce at scale 1 (DESIGN §1), and the dates it is measured on."""

import datetime

REPLY_DATE = datetime.date(2023, 6, 15)  # the reply's date: organizations, filings, party, platforms
RATINGS_DATE = datetime.date(2022, 12, 31)  # "截至2022年底": ratings and honours
# Dates after the reply are drawn up to here (fixed, so a seed gives the same data whatever the day).
LAST_DEMO_DATE = datetime.date(2025, 12, 31)

# Organizations counted on the reply date, by level and type.
CITY_ORGANIZATIONS = {"social_group": 603, "social_service": 400, "foundation": 36}
ALL_ORGANIZATIONS = {"social_group": 2627, "social_service": 7528, "foundation": 69}

# Districts whose share of the district-registered organizations the demo data gives (invented weights,
# roughly by population); the codes are the ten current districts and counties.
DISTRICT_WEIGHTS = {
    "330203": 12,
    "330205": 8,
    "330206": 9,
    "330211": 6,
    "330212": 20,
    "330213": 6,
    "330225": 6,
    "330226": 7,
    "330281": 12,
    "330282": 14,
}
# The reply: "海曙区、江北区、镇海区、鄞州区、北仑区、慈溪市、象山县已成立社区发展基金会".
COMMUNITY_FOUNDATION_DISTRICTS = ["330203", "330205", "330211", "330212", "330206", "330282", "330225"]

# Organizations that do not count on the reply date (per scale unit): they make the dates matter.
ENDED_BEFORE_REPLY = {"deregistered": 150, "revoked": 30}
REGISTERED_AFTER_REPLY = 300
# Organizations that count on the reply date but end after it.
ENDED_AFTER_REPLY = 100
