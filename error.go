package qcity

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: the API returns them and clients branch on them.
const (
	EINVALID      = "invalid"      // bad input: 422 with per-field errors
	EMALFORMED    = "malformed"    // a request that cannot be read at all (bad JSON): 400
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // 409, e.g. a USCC already registered
	EUNAUTHORIZED = "unauthorized" // 401: not logged in, bad credentials
	EFORBIDDEN    = "forbidden"    // 403: logged in, not allowed
	ETOOMANY      = "too_many"     // 429: rate limited
	ETOOLARGE     = "too_large"    // 413: body or file over the limit
	EINTERNAL     = "internal"     // 500: never shown in detail to users
)

// Error is the one error type of qcity. Key is a locale key, so the same error reads
// well in Chinese and English; Args fill the message's {placeholders}. Fields carry
// per-field errors of a form or a JSON body. Err keeps a foreign cause for the log.
type Error struct {
	Code   string
	Key    string
	Args   map[string]any
	Fields []FieldError
	Err    error
}

// FieldError is one invalid field: its name (the JSON field or form input name),
// a locale key and the key's arguments.
//
// Row is set for errors in a bulk input file: the 1-based spreadsheet row (the header
// is row 1), with Field naming the column.
type FieldError struct {
	Row   int            `json:"row,omitempty"`
	Field string         `json:"field"`
	Key   string         `json:"key"`
	Args  map[string]any `json:"args,omitempty"`
}

func (e *Error) Error() string {
	s := e.Code
	if e.Key != "" {
		s += ": " + e.Key
	}
	if len(e.Args) > 0 {
		s += fmt.Sprintf(" %v", e.Args)
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf("; %s: %s", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code, locale key and arguments given as
// alternating name, value pairs.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: argMap(args)}
}

// Internal wraps a foreign error. The user sees a generic message; the log gets err.
// It returns nil for nil (as an untyped nil error, so `return qcity.Internal(rows.Err())`
// is safe), and an *Error in err's chain unchanged.
func Internal(err error) error {
	if err == nil {
		return nil
	}
	var qe *Error
	if errors.As(err, &qe) {
		return qe
	}
	return &Error{Code: EINTERNAL, Key: "error.internal", Err: err}
}

// Invalid returns an EINVALID error carrying the given field errors.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Key: "error.invalid_fields", Fields: fields}
}

// Field builds a FieldError with arguments given as alternating name, value pairs.
func Field(field, key string, args ...any) FieldError {
	return FieldError{Field: field, Key: key, Args: argMap(args)}
}

func argMap(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return m
}

// ErrorCode returns the code of err: the Code of an *Error in its chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var qe *Error
	if errors.As(err, &qe) {
		return qe.Code
	}
	return EINTERNAL
}

// AsError returns err as an *Error, wrapping foreign errors as internal.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var qe *Error
	if errors.As(err, &qe) {
		return qe
	}
	return &Error{Code: EINTERNAL, Key: "error.internal", Err: err}
}
