"""The five sample notices (examples/corpus), by what they are, for every test that reads them."""

from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
SICHUAN_2020_POINTS = CORPUS / "000_5adab2484b7820d3.txt"  # 四川省卫生健康委员会 2020年医疗管理工作要点
WUXI_2020 = CORPUS / "001_10347f40a002f581.txt"  # 无锡市 2020年医政医管工作要点
SICHUAN_2024_PLAN = CORPUS / "002_696dd2845a4a43b4.txt"  # 四川省 2024 医疗卫生服务体系建设
SICHUAN_2020_REFORM = CORPUS / "003_4e3b855310d5ce42.txt"  # 川办发〔2020〕53号 深化医改重点任务
SUINING_2021 = CORPUS / "004_cad12c1d8455800e.txt"  # 遂宁市 2021年医政药政工作要点
