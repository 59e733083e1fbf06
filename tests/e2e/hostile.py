"""Reports written to attack the page that shows them. Each payload, if it ran, would leave a
trace the browser tests look for: ``window.__pwned`` set, the title changed, a dialog opened."""

from __future__ import annotations

TITLE = "Hostile report"

SCRIPTS = f"""# {TITLE}

**Date**: 2025-11-12
**Module**: hostile module

<script>window.__pwned = "script tag"; document.title = "pwned";</script>

Inline <script>window.__pwned = "inline script"</script> in a paragraph.

<img src="x" onerror="window.__pwned = 'img onerror'">

<svg onload="window.__pwned = 'svg onload'"></svg>

<iframe src="javascript:parent.__pwned='iframe'"></iframe>

<a href="#" onclick="window.__pwned='onclick'">click me</a>

<details open ontoggle="window.__pwned='ontoggle'"><summary>x</summary></details>

[javascript link](javascript:window.__pwned='javascript-link')
[Upper-case scheme](JAVASCRIPT:window.__pwned='upper')
[entity scheme](javascript&#58;window.__pwned='entity')
[data link](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD0xPC9zY3JpcHQ+)
<javascript:window.__pwned='autolink'>

![image](x" onerror="window.__pwned='image-alt')
![tracker](http://198.51.100.7/pixel.png)

## Gates

| Gate | Target | Current | Status |
|------|--------|---------|--------|
| <script>window.__pwned='gate name'</script> | ≥67% | 55% | ❌ |
| Lint <img src=x onerror="window.__pwned='cell'"> | 0 errors | 0 errors | ✅ |

## Blockers

- [ ] <script>window.__pwned='blocker'</script> cannot deploy
"""

HUGE_TABLE = (
    "# Huge table report\n\n"
    "| " + " | ".join(f"Column {i} with a long header" for i in range(30)) + " |\n"
    "|"
    + ":---:|" * 30  # aligned columns: rendered as a class, the CSP refuses inline styles
    + "\n"
    + "".join(
        "| " + " | ".join(f"row {r} cell {c} {'x' * 30}" for c in range(30)) + " |\n"
        for r in range(150)
    )
    + "\nAfter the table: `averyveryverylongunbrokenidentifier"
    + "x" * 400
    + "`\n"
)
