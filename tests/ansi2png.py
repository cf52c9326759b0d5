#!/usr/bin/python3
"""Render a terminal capture (tmux capture-pane -e -p) to a PNG, cell by cell.

Usage: ansi2png.py [--light] COLS ROWS IN.ansi OUT.png
--light draws the terminal's default colours dark on white, as a light-background
terminal would (for --theme light, whose body text uses the default colours).
pyte replays the escape sequences into a virtual screen; Pillow draws each cell with
DejaVu Sans Mono (Noto Sans CJK for wide characters, DejaVu Sans for braille and
blocks it lacks), so the picture is exactly what the terminal showed.
"""
import sys

import pyte
from PIL import Image, ImageDraw, ImageFont

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
MONO_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # has the braille block
SIZE = 15
CW, CH = 9, 19  # cell size in pixels

# xterm's 16 colours, then the 6x6x6 cube and the grey ramp
BASE = ["000000", "cd0000", "00cd00", "cdcd00", "0000ee", "cd00cd", "00cdcd", "e5e5e5",
        "7f7f7f", "ff0000", "00ff00", "ffff00", "5c5cff", "ff00ff", "00ffff", "ffffff"]
NAMES = {"black": 0, "red": 1, "green": 2, "brown": 3, "yellow": 3, "blue": 4,
         "magenta": 5, "cyan": 6, "white": 7, "brightblack": 8, "brightred": 9,
         "brightgreen": 10, "brightbrown": 11, "brightyellow": 11, "brightblue": 12,
         "brightmagenta": 13, "brightcyan": 14, "brightwhite": 15}
DARK = (229, 229, 229), (16, 16, 16)  # default fg, bg
LIGHT = (24, 24, 24), (255, 255, 255)


def rgb(hexstr):
    return tuple(int(hexstr[i:i + 2], 16) for i in (0, 2, 4))


def colour(value, default):
    if value == "default":
        return default
    if value in NAMES:
        return rgb(BASE[NAMES[value]])
    if len(value) == 6:
        try:
            return rgb(value)
        except ValueError:
            pass
    return default


def main():
    args = sys.argv[1:]
    light = args[:1] == ["--light"]
    if light:
        args = args[1:]
    if len(args) != 4:
        sys.exit("usage: ansi2png.py [--light] COLS ROWS IN.ansi OUT.png")
    cols, rows, src, dst = int(args[0]), int(args[1]), args[2], args[3]
    fg_default, bg_default = LIGHT if light else DARK
    screen = pyte.Screen(cols, rows)
    stream = pyte.Stream(screen)
    data = open(src, encoding="utf-8", errors="replace").read()
    # capture-pane ends lines with LF only: go back to column 0 too
    stream.feed(data.rstrip("\n").replace("\n", "\r\n"))
    fonts = {False: ImageFont.truetype(MONO, SIZE), True: ImageFont.truetype(MONO_BOLD, SIZE)}
    cjk = ImageFont.truetype(CJK, SIZE)
    sans = ImageFont.truetype(SANS, SIZE)
    img = Image.new("RGB", (cols * CW + 16, rows * CH + 16), bg_default)
    draw = ImageDraw.Draw(img)
    for y in range(rows):
        line = screen.buffer[y]
        for x in range(cols):
            ch = line[x]
            fg, bg = colour(ch.fg, fg_default), colour(ch.bg, bg_default)
            if ch.reverse:
                fg, bg = bg, fg
            px, py = 8 + x * CW, 8 + y * CH
            wide = len(ch.data) == 1 and ord(ch.data) >= 0x1100 and \
                x + 1 < cols and line[x + 1].data == ""
            width = CW * (2 if wide else 1)
            draw.rectangle([px, py, px + width - 1, py + CH - 1], fill=bg)
            if ch.data.strip():
                if wide:
                    font = cjk
                elif 0x2800 <= ord(ch.data[0]) <= 0x28FF:
                    font = sans
                else:
                    font = fonts[bool(ch.bold)]
                draw.text((px, py + 1), ch.data, font=font, fill=fg)
    img.save(dst)


if __name__ == "__main__":
    main()
