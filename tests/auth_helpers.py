"""Signing in from tests: a Flask test client through /login, Chromium through the form."""
from __future__ import annotations

import re
from urllib.parse import quote

from sqlalchemy import create_engine, select

from data.models import User
from tests import factories

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def login_client(client, username: str, password: str) -> str:
    """Sign ``client`` in with the /login form; later requests carry the CSRF header.

    Returns the session's CSRF token (also set as the client's default X-CSRFToken).
    """
    page = client.get("/login")
    token = TOKEN_FIELD.search(page.get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None, "no CSRF cookie after sign-in"
    client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return cookie.value


def login_browser(dash_duo, username: str, password: str, next_path: str = "/cases") -> None:
    """Sign Chromium in through the /login page and land on ``next_path``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = dash_duo.driver
    driver.get(f"{dash_duo.server_url}/login?next={quote(next_path, safe='/')}")
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.ID, "username")))
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 15).until(lambda d: "/login" not in d.current_url)


def ensure_user(db_url: str, username: str, role: str, password: str, **scope) -> int:
    """A committed account in the database at ``db_url`` (created once; for server tests)."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            found = conn.execute(select(User.id).where(User.username == username)).scalar()
            return found or factories.password_user(conn, username, role, password, **scope)
    finally:
        engine.dispose()
