// WCAG contrast of what the page renders now: every visible text (4.5:1, or 3:1 for large text),
// placeholders, the borders of form controls (3:1) and the focus ring (3:1). Returns the
// failures and how many things were measured. Evaluated by test_ui_safety.py.
() => {
  const parse = (color) => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  // the backgrounds an element is drawn on, composited from the root down
  const backdrop = (node) => {
    const chain = [];
    for (let e = node; e; e = e.parentElement) chain.push(e);
    let color = { r: 255, g: 255, b: 255, a: 1 };
    for (const e of chain.reverse()) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg.a > 0) color = over(bg, color);
    }
    return color;
  };
  const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const describe = (e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")} "${(e.textContent || "").trim().slice(0, 30)}"`;

  const failures = [];
  let measured = 0;
  const check = (node, fg, bg, need, what) => {
    measured += 1;
    const value = ratio(over(fg, bg), bg);
    if (value < need) failures.push(`${what} ${describe(node)}: ${value.toFixed(2)} < ${need}`);
  };

  for (const e of document.querySelectorAll("body *")) {
    if (!visible(e) || e.closest("[disabled]")) continue; // WCAG exempts inactive controls
    const style = getComputedStyle(e);
    const hasText = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (hasText) {
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      check(e, parse(style.color), backdrop(e), large ? 3 : 4.5, "text");
    }
    if (e.matches("input:not([type=file]), textarea")) {
      const placeholder = getComputedStyle(e, "::placeholder");
      if (e.placeholder) check(e, parse(placeholder.color), backdrop(e), 4.5, "placeholder");
    }
    if (e.matches("input, textarea, select, button:not(.quiet)")) {
      check(e, parse(style.borderTopColor), backdrop(e.parentElement), 3, "control border");
    }
  }
  return { failures, measured };
}
