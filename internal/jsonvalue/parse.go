// Package jsonvalue reads a request body as one JSON value, once, into the
// plain Go values that kin-openapi validates and the handlers read:
// map[string]any, []any, json.Number, string, bool and nil.
//
// It is stricter and cheaper to bound than encoding/json: a body must be
// exactly one JSON value (RFC 8259) in valid UTF-8, nested at most
// Limits.MaxDepth deep and holding at most Limits.MaxValues values, so that
// no body, however odd, costs more than a bounded amount of work before it
// is refused. Nothing is replaced silently: invalid UTF-8 and unpaired
// UTF-16 surrogates in escapes are errors, where encoding/json would
// substitute U+FFFD. Numbers keep their literal text (json.Number), so
// large integers are exact. A member name that repeats keeps its last
// value, as Jackson (Netmera's JSON library) does by default, and the
// repeat is reported in Info.
package jsonvalue

import (
	"encoding/json"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits bound what Parse accepts. Zero fields take the defaults.
type Limits struct {
	// MaxDepth is the deepest nesting of arrays and objects accepted; the
	// top-level value is depth 1. 0 means DefaultMaxDepth.
	MaxDepth int
	// MaxValues is the most values (scalars, arrays, objects, member
	// names not counted) one body may hold. 0 means DefaultMaxValues.
	MaxValues int
}

// Defaults of Limits. Netmera's documented bodies nest a few levels (a
// segment tree of $and/$or/$not is the deepest); a million values is far
// beyond any request under the limit of 1000 IDs.
const (
	DefaultMaxDepth  = 64
	DefaultMaxValues = 1_000_000
)

// Info tells what Parse noticed in a well-formed body that a strict client
// would not send.
type Info struct {
	// DuplicateKeys lists member names that appeared twice in one object
	// (the last value was kept), in order of first repeat, at most 8.
	DuplicateKeys []string
}

// Error is a body Parse refuses: Offset is the byte where it stopped.
type Error struct {
	Offset int
	Reason string
	// TooDeep or TooMany tell that a limit, not the syntax, refused it.
	TooDeep, TooMany bool
}

func (e *Error) Error() string {
	return fmt.Sprintf("jsonvalue: %s at byte %d", e.Reason, e.Offset)
}

// Parse reads b as exactly one JSON value, with surrounding whitespace.
func Parse(b []byte, lim Limits) (any, Info, error) {
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultMaxDepth
	}
	if lim.MaxValues <= 0 {
		lim.MaxValues = DefaultMaxValues
	}
	p := parser{b: b, lim: lim}
	p.space()
	v, err := p.value(1)
	if err != nil {
		return nil, p.info, err
	}
	p.space()
	if p.i != len(p.b) {
		return nil, p.info, p.fail("data after the JSON value")
	}
	return v, p.info, nil
}

type parser struct {
	b      []byte
	i      int
	lim    Limits
	values int
	info   Info
}

func (p *parser) fail(reason string) *Error {
	return &Error{Offset: p.i, Reason: reason}
}

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (any, error) {
	if p.values++; p.values > p.lim.MaxValues {
		e := p.fail(fmt.Sprintf("more than %d values", p.lim.MaxValues))
		e.TooMany = true
		return nil, e
	}
	if p.i >= len(p.b) {
		return nil, p.fail("unexpected end of input")
	}
	switch c := p.b[p.i]; {
	case c == '{' || c == '[':
		if depth > p.lim.MaxDepth {
			e := p.fail(fmt.Sprintf("nesting deeper than %d levels", p.lim.MaxDepth))
			e.TooDeep = true
			return nil, e
		}
		if c == '{' {
			return p.object(depth)
		}
		return p.array(depth)
	case c == '"':
		return p.string()
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.fail(fmt.Sprintf("unexpected character %q", p.b[p.i]))
}

func (p *parser) literal(word string) error {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return p.fail("invalid literal")
	}
	p.i += len(word)
	return nil
}

func (p *parser) object(depth int) (any, error) {
	p.i++ // '{'
	m := map[string]any{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.fail("expected a member name")
		}
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.fail("expected ':' after a member name")
		}
		p.i++
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, dup := m[key]; dup && len(p.info.DuplicateKeys) < 8 {
			p.info.DuplicateKeys = append(p.info.DuplicateKeys, key)
		}
		m[key] = v
		p.space()
		if p.i >= len(p.b) {
			return nil, p.fail("unexpected end of input in an object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, nil
		default:
			return nil, p.fail("expected ',' or '}' in an object")
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	p.i++ // '['
	list := []any{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return list, nil
	}
	for {
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, p.fail("unexpected end of input in an array")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return list, nil
		default:
			return nil, p.fail("expected ',' or ']' in an array")
		}
	}
}

// number reads an RFC 8259 number and keeps its text.
func (p *parser) number() (any, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.i < len(p.b) && '1' <= p.b[p.i] && p.b[p.i] <= '9':
		p.digits()
	default:
		return nil, p.fail("invalid number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if !p.digits() {
			return nil, p.fail("invalid number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return nil, p.fail("invalid number")
		}
	}
	return json.Number(p.b[start:p.i]), nil
}

func (p *parser) digits() bool {
	start := p.i
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// string reads a string whose opening quote is at p.i.
func (p *parser) string() (string, error) {
	p.i++ // '"'
	start := p.i
	// The fast path: no escapes, ASCII or valid UTF-8 up to the quote.
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := string(p.b[start:p.i])
			p.i++
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", p.fail("control character in a string")
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, n := utf8.DecodeRune(p.b[p.i:])
			if r == utf8.RuneError && n <= 1 {
				return "", p.fail("invalid UTF-8")
			}
			p.i += n
		}
	}
	return "", p.fail("unexpected end of input in a string")
}

// escaped finishes a string that holds escapes, from its first byte.
func (p *parser) escaped(start int) (string, error) {
	out := make([]byte, 0, p.i-start+16)
	out = append(out, p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c == '\\':
			if p.i+1 >= len(p.b) {
				return "", p.fail("unexpected end of input in a string")
			}
			e := p.b[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, err := p.unicode()
				if err != nil {
					return "", err
				}
				out = utf8.AppendRune(out, r)
			default:
				p.i -= 2
				return "", p.fail("invalid escape in a string")
			}
		case c < 0x20:
			return "", p.fail("control character in a string")
		case c < utf8.RuneSelf:
			out = append(out, c)
			p.i++
		default:
			r, n := utf8.DecodeRune(p.b[p.i:])
			if r == utf8.RuneError && n <= 1 {
				return "", p.fail("invalid UTF-8")
			}
			out = append(out, p.b[p.i:p.i+n]...)
			p.i += n
		}
	}
	return "", p.fail("unexpected end of input in a string")
}

// unicode reads the four hex digits after "\u" (and a second escape for a
// surrogate pair); an unpaired surrogate is refused.
func (p *parser) unicode() (rune, error) {
	r, ok := p.hex4()
	if !ok {
		return 0, p.fail(`invalid \u escape`)
	}
	if !utf16.IsSurrogate(r) {
		return r, nil
	}
	if r < 0xDC00 && p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
		p.i += 2
		if lo, ok := p.hex4(); ok && 0xDC00 <= lo && lo <= 0xDFFF {
			return utf16.DecodeRune(r, lo), nil
		}
	}
	return 0, p.fail("unpaired UTF-16 surrogate in a string")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
