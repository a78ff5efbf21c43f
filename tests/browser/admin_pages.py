"""What a clerk does on the admin's pages, in a few steps each, for the workflow tests to read like
the workflow. Every step waits for what the person would wait for: the element, not a time."""

from __future__ import annotations

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser tests are skipped then (see conftest.py); the module stays importable
    Page = expect = None

PASSWORD = "pw-Registry-2026"  # what tests/conftest.py's make_user gives every user
SITE_HEADER = "宁波市社会组织登记管理系统"


def log_in(page: Page, site: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the admin's login form and wait for the index page."""
    page.goto(f"{site}/admin/login/?next=/admin/")
    expect(page).to_have_title(f"登录 | {SITE_HEADER}")
    expect(page.locator("#site-name")).to_have_text(SITE_HEADER)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)
    expect(page).to_have_title(f"登记管理 | {SITE_HEADER}")
    expect(page.locator("#user-tools a")).to_have_text(["修改密码"])  # no "view site": there is no public site


def choose_autocomplete(page: Page, field: str, search: str, option: str) -> None:
    """Pick a value in an autocomplete (select2) field: open it, type, click the offered option."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()
    expect(page.locator(f"#select2-id_{field}-container")).to_contain_text(option)


def error_of(page: Page, field: str):
    """The error list shown above a field of a change form."""
    return page.locator(f".field-{field} .errorlist")


def success_message(page: Page):
    return page.locator("ul.messagelist li.success")


def changelist_names(page: Page) -> list[str]:
    """The first column (the record's name, a link) of every row of the changelist on screen."""
    page.locator("#changelist").wait_for()
    return [text.strip() for text in page.locator("#result_list tbody tr th a").all_inner_texts()]


def filter_choice(page: Page, title: str, choice: str) -> None:
    """Click a choice in the changelist's filter sidebar, under the filter with this title."""
    section = page.locator(f'#changelist-filter details[data-filter-title="{title}"]')
    section.get_by_role("link", name=choice, exact=True).click()
    expect(section.locator("li.selected")).to_have_text(choice)


def row_of(page: Page, name: str):
    """The changelist row whose name link is exactly `name`."""
    return page.locator("#result_list tbody tr", has=page.get_by_role("link", name=name, exact=True))


def run_action(page: Page, names: list[str], action: str) -> None:
    """Tick the rows of these records, choose the action by its label and press the action button."""
    for name in names:
        row_of(page, name).locator("input.action-select").check()
    page.select_option("select[name=action]", label=action)
    page.locator("#changelist-form .actions button[type=submit]").click()


def changelist_column(page: Page, field: str) -> list[str]:
    """The text of one column (by field name) of every row of the changelist on screen."""
    page.locator("#changelist").wait_for()
    return [text.strip() for text in page.locator(f"#result_list tbody tr .field-{field}").all_inner_texts()]
