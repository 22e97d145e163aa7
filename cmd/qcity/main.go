// Command qcity runs the Quality City platform of a city Market Supervision
// Administration (质量强市信息平台): the web server, migrations, imports, the demo city,
// and account and API-key administration.
//
//	qcity serve [--db FILE|postgres://…] [--addr HOST:PORT] [--demo] [--migrate]
//	qcity migrate [--db …]
//	qcity demo [--seed N] [--entities N]
//	qcity import entities FILE
//	qcity user add --username U --role R [--region CODE] [--uscc CODE]   (password on stdin)
//	qcity user passwd --username U                                       (password on stdin)
//	qcity user list
//	qcity apikey create --name N --role R [--region CODE]
//	qcity apikey revoke ID|NAME
//	qcity apikey list
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"qcity"
	"qcity/internal/locale"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		var qe *qcity.Error
		if errors.As(err, &qe) && qe.Code != qcity.EINTERNAL {
			fmt.Fprintln(os.Stderr, "qcity:", describe(qe))
		} else {
			fmt.Fprintln(os.Stderr, "qcity:", err)
		}
		os.Exit(exitCode(err))
	}
}

// describe renders a qcity error in Chinese and English, with its field errors.
func describe(qe *qcity.Error) string {
	c := locale.Default()
	s := c.T(locale.ZH, qe.Key, qe.Args) + " / " + c.T(locale.EN, qe.Key, qe.Args)
	for _, f := range qe.Fields {
		prefix := f.Field
		if f.Row > 0 {
			prefix = fmt.Sprintf("row %d, %s", f.Row, f.Field)
		}
		s += fmt.Sprintf("\n  %s: %s / %s", prefix, c.T(locale.ZH, f.Key, f.Args), c.T(locale.EN, f.Key, f.Args))
	}
	return s
}

// exitCode is 2 for usage and input errors and 1 for everything else.
func exitCode(err error) int {
	switch qcity.ErrorCode(err) {
	case qcity.EINVALID, qcity.EMALFORMED, qcity.ECONFLICT, qcity.ENOTFOUND, qcity.ETOOLARGE:
		return 2
	}
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
