/// Terminal columns taken by `s`: what alignment in tables, bar charts and error carets
/// counts, instead of `Character`s.
///
/// East Asian Wide (W) and Fullwidth (F) characters (Unicode Standard Annex #11: CJK
/// ideographs such as 满意度, kana, Hangul syllables, fullwidth forms such as Ａ) and emoji
/// with emoji presentation take two columns; combining and enclosing marks (the accent of
/// e + U+0301), zero-width spaces and joiners, and the byte-order mark take none; every
/// other scalar takes one (ambiguous-width characters are narrow, as in a Western locale).
/// This follows `wcwidth` (Kuhn 2007) closely enough for labels; control characters count one.
public func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { $0 + columns($1) }
}

/// `s` padded with spaces to `width` terminal columns: on the right (text flush left), or on
/// the left with `alignRight`. A string already as wide or wider is returned as it is.
func padToWidth(_ s: String, _ width: Int, alignRight: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - displayWidth(s)))
    return alignRight ? fill + s : s + fill
}

/// The columns of one scalar (see `displayWidth`).
func columns(_ u: Unicode.Scalar) -> Int {
    let v = u.value
    switch u.properties.generalCategory {
    case .nonspacingMark, .enclosingMark: return 0
    default: break
    }
    if (0x200B...0x200F).contains(v) || v == 0x2060 || v == 0xFEFF || (0x1160...0x11FF).contains(v) { return 0 }
    if v < 0x1100 { return 1 }
    let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
        0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF,
        0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
    if wide.contains(where: { $0.contains(v) }) || u.properties.isEmojiPresentation { return 2 }
    return 1
}
