package directory

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// stopWords are left out of the text index and of queries.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true,
	"by": true, "for": true, "from": true, "in": true, "is": true, "it": true, "of": true,
	"on": true, "or": true, "our": true, "the": true, "this": true, "that": true, "to": true,
	"we": true, "with": true, "you": true, "your": true, "who": true, "will": true, "can": true,
}

// tokens splits text into case-folded words of letters and digits;
// apostrophes inside a word are dropped ("men's" is "mens").
func tokens(text string, emit func(word string)) {
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			emit(b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			b.WriteRune(r)
		case 'A' <= r && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r == '\'' || r == '’':
			// inside a word: skip; elsewhere it separates nothing
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
}

// terms returns the stemmed index terms of text, stop words left out, in
// order and with repeats.
func terms(text string) []string {
	var out []string
	tokens(text, func(w string) {
		if !stopWords[w] {
			out = append(out, stem(w))
		}
	})
	return out
}

// stem strips common English endings, enough to make "garden", "gardens",
// "gardening" and "gardener" one term, and "walk", "walks", "walking",
// "walkers" another. Queries and documents are stemmed alike, so a stem
// need only be consistent, not a real word.
func stem(w string) string {
	if len(w) <= 3 || !isASCII(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	for _, suf := range []string{"ing", "ers", "er", "ed"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 && hasVowel(w[:len(w)-len(suf)]) {
			w = w[:len(w)-len(suf)]
			if n := len(w); n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiousz", rune(w[n-1])) &&
				(w[n-1] != 'l' || n >= 6) {
				w = w[:n-1] // running → run, swimming → swim, counselling → counsel
			}
			break
		}
	}
	if n := len(w); n > 4 && w[n-1] == 'e' && !strings.ContainsRune("aeiou", rune(w[n-2])) {
		w = w[:n-1] // dance → danc, as dancing → danc
	}
	if strings.HasSuffix(w, "y") && len(w) > 3 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])) {
		w = w[:len(w)-1] + "i" // activity and activities alike
	}
	return w
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouy") }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
