package directory

import (
	"bytes"
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

// eachTerm splits text into case-folded words of letters and digits
// (apostrophes inside a word are dropped: "men's" is "mens"), leaves out
// stop words, stems the rest and calls f with each, in order and with
// repeats. The term is only valid during the call. buf is scratch space,
// returned for reuse.
func eachTerm(text string, buf []byte, f func(term []byte)) []byte {
	buf = buf[:0]
	flush := func() {
		if len(buf) > 0 && !stopWords[string(buf)] {
			f(stem(buf))
		}
		buf = buf[:0]
	}
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			buf = append(buf, byte(r))
		case 'A' <= r && r <= 'Z':
			buf = append(buf, byte(r+'a'-'A'))
		case r == '\'' || r == '’':
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return buf
}

// terms returns the stemmed index terms of text, stop words left out, in
// order and with repeats.
func terms(text string) []string {
	var out []string
	eachTerm(text, nil, func(t []byte) { out = append(out, string(t)) })
	return out
}

// stem strips common English endings in place, enough to make "garden",
// "gardens", "gardening" and "gardener" one term, and "walk", "walks",
// "walking", "walkers" another. Queries and documents are stemmed alike,
// so a stem need only be consistent, not a real word.
func stem(w []byte) []byte {
	if len(w) <= 3 || !isASCII(w) {
		return w
	}
	switch {
	case bytes.HasSuffix(w, []byte("ies")) && len(w) > 4:
		w = append(w[:len(w)-3], 'y')
	case bytes.HasSuffix(w, []byte("sses")):
		w = w[:len(w)-2]
	case bytes.HasSuffix(w, []byte("ss")), bytes.HasSuffix(w, []byte("us")), bytes.HasSuffix(w, []byte("is")):
	case w[len(w)-1] == 's':
		w = w[:len(w)-1]
	}
	for _, suf := range suffixes {
		if bytes.HasSuffix(w, suf) && len(w)-len(suf) >= 3 && hasVowel(w[:len(w)-len(suf)]) {
			w = w[:len(w)-len(suf)]
			if n := len(w); n >= 2 && w[n-1] == w[n-2] && !isOneOf(w[n-1], "aeiousz") && (w[n-1] != 'l' || n >= 6) {
				w = w[:n-1] // running → run, swimming → swim, counselling → counsel
			}
			break
		}
	}
	if n := len(w); n > 4 && w[n-1] == 'e' && !isOneOf(w[n-2], "aeiou") {
		w = w[:n-1] // dance → danc, as dancing → danc
	}
	if n := len(w); n > 3 && w[n-1] == 'y' && !isOneOf(w[n-2], "aeiou") {
		w[n-1] = 'i' // activity and activities alike
	}
	return w
}

var suffixes = [][]byte{[]byte("ing"), []byte("ers"), []byte("er"), []byte("ed")}

func isOneOf(c byte, set string) bool { return strings.IndexByte(set, c) >= 0 }

func hasVowel(s []byte) bool { return bytes.ContainsAny(s, "aeiouy") }

func isASCII(s []byte) bool {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
