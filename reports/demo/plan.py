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

# Platforms do not grow with the scale: one per township (every township covered), one hub per district,
# two of the city's besides the innovation park of the fixtures; 175 open on the reply date ("150余个").
TOWNSHIP_CENTRES = 140  # township platforms that are party-mass service centres
STANDARDIZED_CENTRES = 109  # of which the latest assessment on or before the reply date passed
CENTRES_FAILED, CENTRES_ASSESSED_LATER = 12, 10  # the others: latest failed, first assessed after the reply
# The city's welfare-lottery funds for platforms, by year (the reply: over 6,000,000 yuan a year).
WELFARE_LOTTERY = {
    2019: 6100000, 2020: 6200000, 2021: 6300000, 2022: 6400000, 2023: 6500000, 2024: 6600000, 2025: 6700000,
}  # fmt: skip
