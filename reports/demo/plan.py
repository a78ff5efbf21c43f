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

# Platforms do not grow with the scale. The arithmetic of docs/decisions/0035-served-townships.md:
# the innovation park of the fixtures, a city hub, a hub in each district and a platform in 140 of the
# 156 townships and streets, 16 of which also serve a neighbouring township: 152 open on the reply date
# ("150余个"), every township covered ("全覆盖"). The six functional zones are not townships: no platform.
SERVED_BY_NEIGHBOUR = 16
TOWNSHIP_CENTRES = 130  # township platforms that are party-mass service centres
STANDARDIZED_CENTRES = 109  # of which the latest assessment on or before the reply date passed
CENTRES_FAILED, CENTRES_ASSESSED_LATER = 12, 5  # the others: latest failed, first assessed after the reply
# The city's welfare-lottery funds for platforms, by year (the reply: over 6,000,000 yuan a year).
WELFARE_LOTTERY = {
    2019: 6100000, 2020: 6200000, 2021: 6300000, 2022: 6400000, 2023: 6500000, 2024: 6600000, 2025: 6700000,
}  # fmt: skip

# Community organization filings counted on the reply date, and the communities they are spread over:
# 18,003 / 692 = 26.02 and 30,844 / 2,056 = 15.00, which round to the reply's 26 and 15 (docs/decisions/0062).
URBAN_FILINGS, RURAL_FILINGS = 18003, 30844
URBAN_COMMUNITIES, RURAL_COMMUNITIES = 692, 2056
# 37,124 / 48,847 = 0.7600: the reply's 76% active.
ACTIVE_RATE = 0.76
FILINGS_CANCELLED_BEFORE_REPLY = 1500
FILINGS_AFTER_REPLY = 2000
FILINGS_CANCELLED_AFTER_REPLY = 500

# Party organizations in being on the reply date: 922 (DESIGN §1), of which the comprehensive party
# committees hold 88, covering 162 organizations with 269 members; party members in all about 15,000
# ("近1.5万": 14,870 rounds to it).
PARTY_ORGANIZATIONS = 922
COMMITTEE_PARTY_ORGANIZATIONS, COMMITTEE_ORGANIZATIONS, COMMITTEE_MEMBERS = 88, 162, 269
COMMITTEE_STANDALONE = 40  # of the 88: the rest are joint, covering the other 122 organizations
PARTY_MEMBERS = 14870
OTHER_JOINT = 134  # of the 834 others: joint ones covering two to four organizations; the rest standalone
PARTY_DISSOLVED_BEFORE_REPLY = 40
PARTY_AFTER_REPLY = 60
PARTY_DISSOLVED_AFTER_REPLY = 20

# Organizations by current grade on the end of 2022 (the reply: 5A 257, 4A 334, 3A 702), and 2A/1A
# ratings, which the reply does not count.
GRADES_END_2022 = {5: 257, 4: 334, 3: 702, 2: 90, 1: 20}
# Ratings that do not give a grade at the end of 2022 (per scale unit): lapsed before it, revoked by it
# (with an older rating still within its five years, which must not come back), concluded after it.
RATINGS_LAPSED = 300
RATINGS_REVOKED = 15
RATINGS_AFTER_2022 = 250
# Honours "截至2022年底": organizations and persons, and a few conferred after 2022.
HONOURS_END_2022 = {"national_advanced": 9, "provincial_brand": 31, "provincial_leader": 66}
HONOURS_AFTER_2022 = {"national_advanced": 1, "provincial_brand": 4, "provincial_leader": 6}

# Purchased-service projects of "the last four years" (2019–2022, our reading): 303 projects,
# 62,892,500 yuan, rising from 11.99 to 17.96 million (docs/decisions/0060-last-four-years.md).
PROJECTS_BY_YEAR = {2019: (66, 11990000), 2020: (82, 15702500), 2021: (76, 17240000), 2022: (79, 17960000)}
PROJECTS_OUTSIDE_WINDOW = {2017: 18, 2018: 22, 2023: 30, 2024: 28, 2025: 25}
PROJECTS_CANCELLED = 15
# Those 303 are the city's figure: city departments' projects paid from the city special fund. Beside
# them, projects the figure does not count (docs/decisions/0150): district departments' projects on
# their districts' budgets (some above the special fund's cap, which does not bind them) and city
# departments' projects on other city budget lines.
DISTRICT_BUDGET_PROJECTS_BY_YEAR = {2019: 12, 2020: 14, 2021: 15, 2022: 16}
CITY_BUDGET_PROJECTS_BY_YEAR = {2021: 4, 2022: 5}
TRANSFERRED_FUNCTIONS = {1: 62, 2: 47}  # 109 items in two batches (the reply)
