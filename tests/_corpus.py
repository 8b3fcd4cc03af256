"""The five sample notices (examples/corpus), by what they are, for every test that reads them."""

from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
SICHUAN_2020_POINTS = CORPUS / "000_5adab2484b7820d3.txt"  # 四川省卫生健康委员会 2020年医疗管理工作要点
WUXI_2020 = CORPUS / "001_10347f40a002f581.txt"  # 无锡市 2020年医政医管工作要点
SICHUAN_2024_PLAN = CORPUS / "002_696dd2845a4a43b4.txt"  # 四川省 2024 医疗卫生服务体系建设
SICHUAN_2020_REFORM = CORPUS / "003_4e3b855310d5ce42.txt"  # 川办发〔2020〕53号 深化医改重点任务
SUINING_2021 = CORPUS / "004_cad12c1d8455800e.txt"  # 遂宁市 2021年医政药政工作要点

# The 61 real Shanghai notices of shared/corpus-wide (beside the clone in CI, beside the worktrees here).
_ROOT = Path(__file__).resolve().parent.parent
WIDE = next((p for p in (_ROOT.parent / "shared" / "corpus-wide", _ROOT.parent.parent / "shared" / "corpus-wide")
             if p.is_dir()), _ROOT.parent / "shared" / "corpus-wide")
SHANGHAI_QUANTUM_2026 = WIDE / "310000_quantum_city_work_points_2026.md"  # 上海市 量子城市 工作要点
SHANGHAI_RING_PARKS_2021 = WIDE / "310000_ring_ecological_park_belt_2021.md"  # 上海市 环城生态公园带
QINGPU_FIRE_2024 = WIDE / "310118_public_fire_safety_qingpu_2024.md"  # 青浦区 公共消防安全
JINGAN_FIRE_2019 = WIDE / "310106_fire_rescue_three_year_jingan_2019.md"  # 静安区 消防救援三年
