"""Several counselors recording at once through the web interface (SPEC §11): every accepted
write is in the file afterwards, with its journal line, and `check` finds nothing new."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml
from web_support import AS_OF, OWN_WORKER, csrf_of

from portfolio import journal
from portfolio.app.workspace import check

pytestmark = pytest.mark.slow

FORM = f"/salaries/{OWN_WORKER}/observations/nouvelle"
CLIENTS = 6
POSTS = 5


def test_concurrent_observations_all_land(make_client, web_root):
    before_issues = {i.render() for i in check(web_root, AS_OF)}
    before = len(
        yaml.safe_load((web_root / "workers" / f"{OWN_WORKER}.yaml").read_text())["observations"]
    )
    clients = [make_client("counselor") for _ in range(CLIENTS)]

    def record(index: int) -> list[int]:
        client = clients[index]
        statuses = []
        for n in range(POSTS):
            token = csrf_of(client.get(FORM).text)
            answer = client.post(
                FORM,
                data={
                    "csrf_token": token,
                    "date": "15/11/2026",
                    "by": f"Observateur {index}-{n}",
                    "role": "conseiller",
                    "level:advf.ccp1.c1": str(1 + (index + n) % 4),
                },
                follow_redirects=False,
            )
            statuses.append(answer.status_code)
        return statuses

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [s for batch in pool.map(record, range(CLIENTS)) for s in batch]
    assert statuses == [303] * (CLIENTS * POSTS)
    after = yaml.safe_load((web_root / "workers" / f"{OWN_WORKER}.yaml").read_text())
    names = {o["by"] for o in after["observations"][before:]}
    assert names == {f"Observateur {i}-{n}" for i in range(CLIENTS) for n in range(POSTS)}
    assert len(journal.read(web_root, worker=OWN_WORKER)) == CLIENTS * POSTS
    assert {i.render() for i in check(web_root, AS_OF)} == before_issues
