"""A running `policykg serve` answers from what the last build wrote, even when another process wrote it.

Keeping the server open while adding or correcting documents is the normal workflow; before, the
server kept the graph it had loaded and read evidence live, so after a rebuild it returned links that
no longer existed, with empty evidence, and never showed the new build.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from _corpus import SICHUAN_2020_REFORM, SUINING_2021
from _net import free_port

POLICYKG = [sys.executable, "-m", "policykg"]
ITEM = "2021年医政药政工作要点:2"  # 2.持续提升核酸检测能力 … restates 53号 (一)'s 提升核酸检测能力
OLD_ITEM_2 = SUINING_2021.read_text(encoding="utf-8").splitlines()[7]
NEW_ITEM_2 = "2.做好年度档案整理归档工作。按照档案管理规定,完成文书档案的整理、立卷和移交。"


def _get(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{urllib.parse.quote(path)}", timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def _build(folder: Path, store: Path) -> None:
    subprocess.run([*POLICYKG, "build", str(folder), "--store", str(store)], check=True, capture_output=True)


def _wait_for(port: int, server: subprocess.Popen) -> dict:
    deadline = time.monotonic() + 120
    while True:
        try:
            return _get(port, f"/provisions/{ITEM}/lineage")
        except OSError:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)


def test_a_running_server_answers_from_a_rebuild_made_by_another_process(tmp_path: Path) -> None:
    assert OLD_ITEM_2.startswith("2.持续提升核酸检测能力")
    folder, store = tmp_path / "notices", tmp_path / "g.db"
    folder.mkdir()
    shutil.copy(SICHUAN_2020_REFORM, folder)
    suining = folder / SUINING_2021.name
    shutil.copy(SUINING_2021, suining)
    _build(folder, store)
    port = free_port()
    server = subprocess.Popen([*POLICYKG, "serve", "--store", str(store), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        before = _wait_for(port, server)
        parents = [hop["target"]["label"] for hop in before["upstream"]["items"]]
        assert "(一)" in parents and before["upstream"]["items"][0]["evidence"], before["upstream"]
        # The Suining notice corrected: item 2 is now about archives, which no Sichuan task is.
        suining.write_text(SUINING_2021.read_text(encoding="utf-8").replace(OLD_ITEM_2, NEW_ITEM_2), encoding="utf-8")
        _build(folder, store)
        after = _get(port, f"/provisions/{ITEM}/lineage")
        assert after["provision"]["heading"] == "做好年度档案整理归档工作"
        assert after["upstream"]["items"] == []  # the old link is gone from the store, so from the answer
        sichuan_item_1 = _get(port, "/provisions/川办发〔2020〕53号:1/lineage")
        assert ITEM.split(":")[0] not in {hop["source"]["doc_title"] for hop in sichuan_item_1["downstream"]["items"]
                                          if hop["source"]["number"] == 2}
    finally:
        server.terminate()
        server.wait(timeout=30)
