"""Chinese numerals as printed in item markers (一 … 九十九, with 〇/零 and 百)."""

from __future__ import annotations

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_to_int(numeral: str) -> int | None:
    """``'十二'`` → 12, ``'二十'`` → 20, ``'一百零五'`` → 105; ``None`` if it is not a numeral."""
    if not numeral:
        return None
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current
