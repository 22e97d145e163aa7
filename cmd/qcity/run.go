package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/certification"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/demo"
	"qcity/internal/limits"
	"qcity/internal/nqi"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/screening"
	"qcity/internal/translog"
	"qcity/internal/web"
)

// Main is the program, with its environment injected so tests can run it in process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Clock          qcity.Clock
	// Listening, if set, receives the server's address once it accepts connections.
	Listening chan<- string
}

// NewMain returns the program wired to the process's environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Clock: qcity.SystemClock{}}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `qcity: the Quality City platform (质量强市信息平台)

Usage:
  qcity serve   [--db FILE|postgres://…] [--addr HOST:PORT] [--demo] [--migrate]
  qcity migrate [--db …]
  qcity demo    [--db …] [--seed N] [--entities N]
  qcity import entities|samples [--db …] [--dry-run] FILE
  qcity user add --username U --role R [--region CODE] [--uscc CODE]   (password on stdin)
  qcity user passwd --username U                                       (password on stdin)
  qcity user list
  qcity apikey create --name N --role R [--region CODE]
  qcity apikey revoke ID|NAME
  qcity apikey list
  qcity rules run [--date YYYY-MM-DD] [--force]      (the credit rules engine; serve runs it daily)
  qcity log verify [--url URL | --db DSN] [--state FILE] [--key KEY]
  qcity cert verify-token TOKEN|URL --key KEY|FILE   (offline check of a certificate's QR token)
  qcity cert key [--db …]                            (the QR tokens' public key)
  qcity cert import [--db …] FILE                    (certificates with an issuer column)

Environment: QCITY_DB (default ./qcity.db), QCITY_ADDR (default 127.0.0.1:8080),
QCITY_JURISDICTION (prefecture code, default 440800 湛江市), QCITY_LOG_KEY (the log's
signing key file, default the database file + .logkey), QCITY_CERT_KEY (the QR tokens'
signing key file, default the database file + .certkey).
Roles: admin, city_official, county_official, lab, certification_body, enterprise, api_client.
`

// Run runs the command in args.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(m.Stdout, usage)
		if len(args) == 0 {
			return usageError{"no command"}
		}
		return nil
	}
	switch args[0] {
	case "serve":
		return m.runServe(ctx, args[1:])
	case "migrate":
		return m.runMigrate(ctx, args[1:])
	case "demo":
		return m.runDemo(ctx, args[1:])
	case "import":
		return m.runImport(ctx, args[1:])
	case "user":
		return m.runUser(ctx, args[1:])
	case "apikey":
		return m.runAPIKey(ctx, args[1:])
	case "rules":
		return m.runRules(ctx, args[1:])
	case "log":
		return m.runLog(ctx, args[1:])
	case "cert":
		return m.runCert(ctx, args[1:])
	}
	return usageError{fmt.Sprintf("unknown command %q; run `qcity help`", args[0])}
}

// common holds the flags every command shares.
type common struct {
	db           string
	jurisdiction string
	logKey       string
	certKey      string
}

func (m *Main) flags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	c.db = m.env("QCITY_DB", "qcity.db")
	c.jurisdiction = m.env("QCITY_JURISDICTION", region.DefaultPrefecture)
	fs.StringVar(&c.db, "db", c.db, "SQLite file path or postgres:// URL (env QCITY_DB)")
	fs.StringVar(&c.jurisdiction, "jurisdiction", c.jurisdiction, "GB/T 2260 code of the bureau's prefecture (env QCITY_JURISDICTION)")
	c.logKey = m.env("QCITY_LOG_KEY", "")
	fs.StringVar(&c.logKey, "log-key", c.logKey, "file of the log's signing key, made on first start (env QCITY_LOG_KEY; default: the SQLite file's path + .logkey, or ./qcity-log.key)")
	c.certKey = m.env("QCITY_CERT_KEY", "")
	fs.StringVar(&c.certKey, "cert-key", c.certKey, "file of the QR tokens' signing key, made on first start (env QCITY_CERT_KEY; default: the SQLite file's path + .certkey, or ./qcity-cert.key)")
	return fs
}

func (m *Main) env(key, def string) string {
	if v := m.Getenv(key); v != "" {
		return v
	}
	return def
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usageError{"help requested"}
		}
		return usageError{err.Error()}
	}
	return nil
}

// parsePrefixes reads comma-separated addresses and CIDR ranges; an address is a range
// of one.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR range (不是 IP 地址或网段)", f)
			}
			f = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()).String()
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR range (不是 IP 地址或网段)", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// app is an opened database with its services.
type app struct {
	db           *db.DB
	clock        qcity.Clock
	jurisdiction *region.Jurisdiction
	auth         *auth.Service
	registry     *registry.Service
	sampling     *sampling.Service
	limits       *limits.Catalogue
	log          *translog.Log
	credit       *credit.Service
	screening    *screening.Service
	cert         *certification.Service
	nqi          *nqi.Service // quality infrastructure (质量基础) and the annual quality report
}

func (a *app) Close() { a.db.Close() }

// open opens the database and builds the services. With migrate, pending migrations
// are applied; without it, a database whose schema is behind is refused — except a
// brand-new empty one, which is simply created.
func (m *Main) open(ctx context.Context, c common, migrate bool) (*app, error) {
	j, err := region.Default().Jurisdiction(c.jurisdiction)
	if err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, c.db)
	if err != nil {
		return nil, err
	}
	pending, err := d.Pending(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	fresh, err := d.IsEmpty(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if len(pending) > 0 {
		if !migrate && !fresh {
			d.Close()
			return nil, fmt.Errorf("the database schema is out of date (%d migration(s) pending: %s); back up the database, then run `qcity migrate` or `qcity serve --migrate`",
				len(pending), strings.Join(pending, ", "))
		}
		if _, err := d.Migrate(ctx, m.Clock.Now()); err != nil {
			d.Close()
			return nil, err
		}
	}
	a := &app{db: d, clock: m.Clock, jurisdiction: j}
	a.auth = &auth.Service{DB: d, Clock: m.Clock, Config: auth.DefaultConfig, Jurisdiction: j}
	a.registry = registry.NewService(d, m.Clock, j)
	a.sampling = sampling.NewService(d, m.Clock, a.registry, j)
	if err := a.sampling.Load(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a.limits = &limits.Catalogue{DB: d, Clock: m.Clock}
	if _, err := a.limits.Seed(qcity.WithActor(ctx, qcity.System("qcity"))); err != nil {
		d.Close()
		return nil, err
	}
	a.sampling.Limits = a.limits
	if a.log, err = m.openLog(ctx, c, d, j); err != nil {
		d.Close()
		return nil, err
	}
	a.sampling.Log = a.log
	if n, err := a.sampling.BackfillLog(ctx); err != nil {
		d.Close()
		return nil, err
	} else if n > 0 {
		fmt.Fprintf(m.Stderr, "the log now holds the %d sampling announcements published before it existed\n", n)
	}
	a.credit = credit.NewService(d, m.Clock, a.registry, a.log, j)
	if err := a.credit.Load(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a.screening = screening.NewService(d, m.Clock)
	// Certification oversight: linked to sampling (failures flag certificates), the
	// registry (a body's approval cascades), credit (profiles, risk, case sanctions).
	a.cert = certification.NewService(d, m.Clock, a.registry)
	a.cert.Sampling = a.sampling
	a.cert.Sanctions = credit.CertificationSanctions{S: a.credit}
	a.cert.RiskHook = a.credit.RecomputeRisk
	a.sampling.OnFailure = a.cert
	a.registry.OrgStatusHook = a.cert.OrganisationStatusChanged
	a.credit.Certificates = a.cert
	if err := m.openCertKey(ctx, c, a.cert, j); err != nil {
		d.Close()
		return nil, err
	}
	if err := a.cert.Load(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a.nqi = nqi.NewService(d, m.Clock, a.registry, a.sampling, a.credit, j)
	return a, nil
}

// certKeyPath is where the QR tokens' signing key lives: --cert-key, or next to the
// SQLite file, or in the working directory for PostgreSQL.
func certKeyPath(c common) string {
	if c.certKey != "" {
		return c.certKey
	}
	if db.IsPostgresDSN(c.db) {
		return "qcity-cert.key"
	}
	return c.db + ".certkey"
}

// openCertKey loads the QR tokens' Ed25519 key, making it on first start like the
// log's (mode 0600, never in the database, which keeps the public key and refuses
// another one later). It is a key of its own: tokens printed on paper outlive log
// checkpoints, and either key can be rotated or kept offline without the other.
func (m *Main) openCertKey(ctx context.Context, c common, s *certification.Service, j *region.Jurisdiction) error {
	path := certKeyPath(c)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		skey, err := certification.GenerateTokenKey(certification.TokenKeyName(j.Prefecture.Code))
		if err != nil {
			return err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("creating the QR token key %s: %w", path, err)
		}
		if _, err := f.WriteString(skey + "\n"); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "created the QR token signing key %s (keep it safe and backed up; its public key is served at /api/v1/certificates/key)\n", path)
		b = []byte(skey)
	} else if err != nil {
		return fmt.Errorf("reading the QR token key: %w", err)
	}
	signer, err := certification.NewSigner(string(b))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return s.InitSigner(ctx, signer)
}

// logKeyPath is where the log's signing key lives: --log-key, or next to the SQLite
// file, or in the working directory for PostgreSQL.
func logKeyPath(c common) string {
	if c.logKey != "" {
		return c.logKey
	}
	if db.IsPostgresDSN(c.db) {
		return "qcity-log.key"
	}
	return c.db + ".logkey"
}

// openLog opens the tamper-evident log, making its Ed25519 signing key on first start
// (written with mode 0600, never stored in the database; only the public key is).
func (m *Main) openLog(ctx context.Context, c common, d *db.DB, j *region.Jurisdiction) (*translog.Log, error) {
	path := logKeyPath(c)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		skey, err := translog.GenerateKey("qcity/" + j.Prefecture.Code)
		if err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("creating the log key %s: %w", path, err)
		}
		if _, err := f.WriteString(skey + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		fmt.Fprintf(m.Stderr, "created the log signing key %s (keep it safe and backed up; its public key is served at /api/v1/log/key)\n", path)
		b = []byte(skey)
	} else if err != nil {
		return nil, fmt.Errorf("reading the log key: %w", err)
	}
	l, err := translog.New(d, m.Clock, string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := l.Init(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

func (m *Main) runMigrate(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("migrate", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := region.Default().Jurisdiction(c.jurisdiction); err != nil {
		return err
	}
	d, err := db.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer d.Close()
	done, err := d.Migrate(ctx, m.Clock.Now())
	if err != nil {
		return err
	}
	if len(done) == 0 {
		fmt.Fprintln(m.Stdout, "schema is up to date")
	}
	for _, v := range done {
		fmt.Fprintln(m.Stdout, "applied", v)
	}
	return nil
}

func (m *Main) runServe(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("serve", &c)
	addr := fs.String("addr", m.env("QCITY_ADDR", "127.0.0.1:8080"), "listen address (env QCITY_ADDR)")
	withDemo := fs.Bool("demo", false, "load the demo city when the database has no entities")
	demoSeed := fs.Uint64("demo-seed", 1, "seed of the demo city")
	demoN := fs.Int("demo-entities", 20000, "market entities in the demo city")
	demoScale := fs.Float64("demo-sampling", 1, "size of the demo's sampling records (1: the programme's 2019 figures; 0: none)")
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	secure := fs.Bool("secure-cookies", m.Getenv("QCITY_SECURE_COOKIES") == "1", "mark cookies Secure (serve behind HTTPS)")
	publicRate := fs.Int("public-rate", 120, "public lookups (verification, credit and entity search) an address may make a minute without logging in; 0: no limit")
	proxies := fs.String("trusted-proxies", m.Getenv("QCITY_TRUSTED_PROXIES"), "reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client (env QCITY_TRUSTED_PROXIES)")
	privateHooks := fs.Bool("webhooks-private", m.Getenv("QCITY_WEBHOOKS_PRIVATE") == "1", "let subscription webhooks reach loopback and private addresses")
	if err := parse(fs, args); err != nil {
		return err
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		return usageError{"--trusted-proxies: " + err.Error()}
	}
	log := slog.New(slog.NewJSONHandler(m.Stderr, nil))
	a, err := m.open(ctx, c, *migrate)
	if err != nil {
		return err
	}
	defer a.Close()
	sysCtx := qcity.WithActor(ctx, qcity.System("qcity serve"))

	if *withDemo {
		if err := m.loadDemoIfEmpty(sysCtx, a, demoSize{*demoSeed, *demoN, *demoScale}); err != nil {
			return err
		}
	}
	if err := m.bootstrapAdmin(sysCtx, a, *withDemo); err != nil {
		return err
	}
	start := time.Now()
	if err := a.registry.LoadIndex(ctx); err != nil {
		return err
	}
	log.Info("name index loaded", "entities", a.registry.IndexLen(), "ms", time.Since(start).Milliseconds())
	start = time.Now()
	if err := a.screening.Load(ctx); err != nil {
		return err
	}
	log.Info("screening index loaded", "restricted", a.screening.Index.Len(), "ms", time.Since(start).Milliseconds())

	srv, err := web.New(web.Config{SecureCookie: *secure, PublicPerMinute: cmp.Or(*publicRate, -1), TrustedProxies: trusted}, web.Server{DB: a.db, Clock: m.Clock, Log: log,
		Auth: a.auth, Registry: a.registry, Sampling: a.sampling, Credit: a.credit, TransLog: a.log, Screening: a.screening, Certification: a.cert, NQI: a.nqi,
		RiskWeight: a.credit.RiskWeight, Jurisdiction: a.jurisdiction}, func() error {
		p, err := a.db.Pending(ctx)
		if err != nil {
			return err
		}
		if len(p) > 0 {
			return fmt.Errorf("schema out of date: %d migration(s) pending", len(p))
		}
		return nil
	})
	if err != nil {
		return err
	}
	srv.Limits = a.limits // the seeded catalogue the sampling service looks limits up in
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	fmt.Fprintf(m.Stdout, "qcity is serving %s on http://%s/ (database: %s)\n", a.jurisdiction.Prefecture.Name, ln.Addr(), a.db.Dialect())
	if m.Listening != nil {
		m.Listening <- ln.Addr().String()
	}

	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	go m.background(bg, a, log)
	hooks := &screening.Dispatcher{S: a.screening, AllowPrivate: *privateHooks}
	go hooks.Run(bg, 5*time.Second, func(err error) { log.Error("webhook dispatch", "err", err) })

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	return nil
}

// background keeps the name index in step with writes by other instances and clears
// expired sessions. The 5-second sync reads rows changed since the last one (with an
// overlap); a transaction of another instance that commits long after it stamped its
// rows (a big import on PostgreSQL) can slip past that window, so the index is also
// rebuilt from the database every 10 minutes.
func (m *Main) background(ctx context.Context, a *app, log *slog.Logger) {
	sync := time.NewTicker(5 * time.Second)
	rebuild := time.NewTicker(10 * time.Minute)
	defer sync.Stop()
	defer rebuild.Stop()
	m.dailyRules(ctx, a, log)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sync.C:
			if err := a.registry.SyncIndex(ctx); err != nil && ctx.Err() == nil {
				log.Error("index sync", "err", err)
			}
			if err := a.cert.Sync(ctx); err != nil && ctx.Err() == nil {
				log.Error("certificate index sync", "err", err)
			}
		case <-rebuild.C:
			if err := a.registry.LoadIndex(ctx); err != nil && ctx.Err() == nil {
				log.Error("index rebuild", "err", err)
			}
			if err := a.sampling.Stats.Rebuild(ctx, a.db); err != nil && ctx.Err() == nil {
				log.Error("statistics rebuild", "err", err)
			}
			if err := a.auth.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				log.Error("session cleanup", "err", err)
			}
			m.dailyRules(ctx, a, log)
		}
	}
}

// dailyRules runs the credit rules engine for today unless this or another instance
// already has (the run's date row decides). Called at start and every 10 minutes.
func (m *Main) dailyRules(ctx context.Context, a *app, log *slog.Logger) {
	sum, err := a.credit.RunRules(ctx, qcity.DateOf(m.Clock.Now()), false)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error("rules run", "err", err)
	case err == nil && !sum.Skipped:
		log.Info("rules run", "date", sum.Date.String(), "changes", sum.Changes(), "ms", sum.Took.Milliseconds())
		// Certification's date-driven steps follow the credit run that claimed the day.
		cs, err := a.cert.RunDaily(ctx, sum.Date)
		if err != nil && ctx.Err() == nil {
			log.Error("certification run", "err", err)
		} else if err == nil {
			log.Info("certification run", "date", cs.Date.String(), "lapsed", cs.Lapsed, "expired", cs.Expired, "flagged", cs.Flagged)
		}
	}
}

// bootstrapAdmin creates the admin account on first start and prints its one-time
// password; with the demo it also creates one account per role.
func (m *Main) bootstrapAdmin(ctx context.Context, a *app, withDemo bool) error {
	n, err := a.auth.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw := auth.RandomPassword(16)
	if _, err := a.auth.CreateUser(ctx, auth.NewUser{Username: "admin", DisplayName: "系统管理员", Password: pw, Role: qcity.RoleAdmin}); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "First start: created the administrator account.\n  username: admin\n  password: %s\n  (shown once; change it under 我的账户 / My account)\n", pw)
	if !withDemo {
		return nil
	}
	type demoUser struct {
		name   string
		role   qcity.Role
		region string
		uscc   string
	}
	users := []demoUser{{"city", qcity.RoleCityOfficial, "", ""}, {"platform", qcity.RoleAPIClient, "", ""}}
	if len(a.jurisdiction.Counties) > 0 {
		users = append(users, demoUser{"county", qcity.RoleCountyOfficial, a.jurisdiction.Counties[min(1, len(a.jurisdiction.Counties)-1)].Code, ""})
	}
	if ents, _, err := a.registry.FindEntities(ctx, registry.EntityFilter{Type: string(registry.TypeCompany), Status: "active", Limit: 1}); err == nil && len(ents) > 0 {
		users = append(users, demoUser{"enterprise", qcity.RoleEnterprise, "", ents[0].USCC})
	}
	for _, kind := range []struct {
		kind registry.OrgKind
		role qcity.Role
		name string
	}{{registry.OrgLab, qcity.RoleLab, "lab"}, {registry.OrgCertificationBody, qcity.RoleCertificationBody, "certbody"}} {
		if orgs, _, err := a.registry.FindOrganisations(ctx, registry.OrganisationFilter{Kind: string(kind.kind), Status: "valid", Limit: 1}); err == nil && len(orgs) > 0 {
			users = append(users, demoUser{kind.name, kind.role, "", orgs[0].USCC})
		}
	}
	demoPW := auth.RandomPassword(12)
	for _, u := range users {
		if _, err := a.auth.CreateUser(ctx, auth.NewUser{Username: u.name, Password: demoPW, Role: u.role, Region: u.region, USCC: u.uscc}); err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stdout, "Demo accounts (password %s): ", demoPW)
	for i, u := range users {
		if i > 0 {
			fmt.Fprint(m.Stdout, ", ")
		}
		fmt.Fprintf(m.Stdout, "%s (%s)", u.name, u.role)
	}
	fmt.Fprintln(m.Stdout)
	return nil
}

func (m *Main) loadDemoIfEmpty(ctx context.Context, a *app, size demoSize) error {
	_, total, err := a.registry.FindEntities(ctx, registry.EntityFilter{Limit: 1})
	if err != nil {
		return err
	}
	if err := a.registry.LoadIndex(ctx); err != nil {
		return err
	}
	if a.registry.IndexLen() > 0 || total > 0 {
		return nil
	}
	return m.loadDemo(ctx, a, size)
}

// demoSize is how big a demo city to make.
type demoSize struct {
	seed          uint64
	entities      int
	samplingScale float64 // 1: three years of sampling with the programme's 2019 figures; 0: none
}

func (m *Main) loadDemo(ctx context.Context, a *app, size demoSize) error {
	seed, n := size.seed, size.entities
	start := time.Now()
	fmt.Fprintf(m.Stdout, "Generating the demo city (seed %d, %d entities)…\n", seed, n)
	city, err := demo.Generate(demo.Options{Seed: seed, Entities: n, Today: qcity.DateOf(m.Clock.Now())}, a.jurisdiction)
	if err != nil {
		return err
	}
	bar := newProgress(m.Stderr, "demo")
	if err := demo.Load(ctx, a.registry, city, bar.update); err != nil {
		return err
	}
	bar.done()
	fmt.Fprintf(m.Stdout, "Demo city loaded: %d entities, %d organisations in %s.\n", len(city.Entities),
		len(city.Organisations), time.Since(start).Round(time.Millisecond))
	if size.samplingScale > 0 {
		start = time.Now()
		inputs, err := demo.GenerateSampling(demo.SamplingOptions{Seed: seed, Scale: size.samplingScale}, city)
		if err != nil {
			return err
		}
		bar = newProgress(m.Stderr, "sampling")
		if err := demo.LoadSampling(ctx, a.sampling, inputs, bar.update); err != nil {
			return err
		}
		bar.done()
		fmt.Fprintf(m.Stdout, "Demo sampling loaded: %d samples (2018–2020) in %s.\n", len(inputs), time.Since(start).Round(time.Millisecond))
	}
	// Certification before credit: certificate suspensions weigh in the risk classes
	// the credit history ends by computing.
	start = time.Now()
	bar = newProgress(m.Stderr, "certificates")
	cs, err := demo.LoadCertification(ctx, a.cert, city, demo.CertOptions{Seed: seed}, bar.update)
	if err != nil {
		return err
	}
	bar.done()
	if err := m.certSummary(ctx, a, cs, time.Since(start)); err != nil {
		return err
	}
	start = time.Now()
	bar = newProgress(m.Stderr, "credit")
	if err := demo.LoadCredit(ctx, a.credit, city, demo.CreditOptions{Seed: seed}, bar.update); err != nil {
		return err
	}
	bar.done()
	if err := m.creditSummary(ctx, a, time.Since(start)); err != nil {
		return err
	}
	start = time.Now()
	plan, err := demo.GenerateQuality(demo.QualityOptions{Seed: seed, Today: qcity.DateOf(m.Clock.Now())}, city, a.jurisdiction)
	if err != nil {
		return err
	}
	bar = newProgress(m.Stderr, "quality")
	if err := demo.LoadQuality(ctx, a.nqi, plan, bar.update); err != nil {
		return err
	}
	bar.done()
	return m.qualitySummary(ctx, a, len(plan.Records), time.Since(start))
}

// qualitySummary prints a line about the demo's quality records: the 2019 report's
// figures, counted by the nqi service from the records.
func (m *Main) qualitySummary(ctx context.Context, a *app, records int, took time.Duration) error {
	rep, err := a.nqi.Report(qcity.WithActor(ctx, qcity.Actor{Kind: qcity.ActorUser, Name: "qcity demo", Role: qcity.RoleCityOfficial}), 2019)
	if err != nil {
		return err
	}
	v := func(key string) int64 {
		ind, _ := rep.Indicator(key)
		return int64(ind.Value)
	}
	fmt.Fprintf(m.Stdout, "Demo quality records loaded: %d in %s; 2019: %d international/national and %d local standards, %d national and %d provincial pilot projects, %d labs, %d legal metrology institutions, %d IP-advantage enterprises, %d enterprises with trained chief quality officers.\n",
		records, took.Round(time.Millisecond), v("standards_international_national"), v("standards_local"), v("pilot_projects_national"),
		v("pilot_projects_provincial"), v("labs"), v("metrology_institutions"), v("ip_advantage_enterprises"), v("cqo_trained_enterprises"))
	return nil
}

// certSummary prints a line about the demo's certificates, counted by the
// certification service from the records.
func (m *Main) certSummary(ctx context.Context, a *app, cs demo.CertSummary, took time.Duration) error {
	o, err := a.cert.Oversight(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Demo certificates loaded: %d certificates (%d valid, %d suspended, %d revoked, %d cancelled, %d expired); "+
		"%d flags after failed samples; %d verification queries, %d open forgery and misuse leads in %s.\n",
		o.Certificates, o.ByStatus[certification.StatusValid], o.ByStatus[certification.StatusSuspended], o.ByStatus[certification.StatusRevoked],
		o.ByStatus[certification.StatusCancelled], o.ByStatus[certification.StatusExpired], o.Flags, cs.Queries, o.OpenLeads,
		took.Round(time.Millisecond))
	return nil
}

// creditSummary prints a line about the demo's credit records, counted by the credit
// service from the records.
func (m *Main) creditSummary(ctx context.Context, a *app, took time.Duration) error {
	_, rate, err := a.credit.ReportRate(ctx, credit.RateFilter{Year: 2019})
	if err != nil {
		return err
	}
	_, listed, err := a.credit.FindAbnormals(ctx, credit.AbnormalFilter{State: "active", Limit: 1}, true)
	if err != nil {
		return err
	}
	_, penalties, err := a.credit.FindPenalties(ctx, credit.PenaltyFilter{State: "all", Limit: 1})
	if err != nil {
		return err
	}
	_, serious, err := a.credit.FindSeriousList(ctx, credit.SeriousFilter{Limit: 1}, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Demo credit loaded: annual reports for 2019 filed by %.2f%% of those due (%d of %d, %.2f%% on time); %d abnormal listings in force, %d penalties, %d serious-list listings in %s.\n",
		rate.Rate, rate.Filed, rate.Due, rate.OnTimeRate, listed, penalties, serious, took.Round(time.Millisecond))
	return nil
}

func (m *Main) runDemo(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("demo", &c)
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same city")
	n := fs.Int("entities", 20000, "number of market entities (up to 1,000,000)")
	scale := fs.Float64("sampling", 1, "size of the sampling records (1: the programme's 2019 figures; 0: none; up to 10)")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := m.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.registry.LoadIndex(ctx); err != nil {
		return err
	}
	if a.registry.IndexLen() > 0 {
		return qcity.Errorf(qcity.ECONFLICT, "demo.not_empty")
	}
	return m.loadDemo(qcity.WithActor(ctx, qcity.System("qcity demo")), a, demoSize{*seed, *n, *scale})
}

const importUsage = "usage: qcity import entities|samples [--db …] [--dry-run] FILE"

func (m *Main) runImport(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "entities" && args[0] != "samples") {
		return usageError{importUsage}
	}
	var c common
	fs := m.flags("import "+args[0], &c)
	dry := fs.Bool("dry-run", false, "samples: validate and judge every row, write nothing")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{importUsage}
	}
	if args[0] == "samples" {
		return m.importSamples(ctx, c, fs.Arg(0), *dry)
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return usageError{err.Error()}
	}
	defer f.Close()
	a, err := m.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	bar := newProgress(m.Stderr, "import")
	res, err := a.registry.ImportEntities(qcity.WithActor(ctx, qcity.System("qcity import")), f, name,
		func(phase string, done, total int) { bar.phase(phase, done, total) })
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "imported %d entities from %s (sha256 %s)\n", res.Rows, name, res.SHA256)
	return nil
}

// readPassword reads the first line of stdin.
func (m *Main) readPassword() (string, error) {
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageError{"no password on stdin (pipe it in, e.g. `echo \"$PASSWORD\" | qcity user add …`)"}
	}
	return line, nil
}

func (m *Main) runUser(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: qcity user add|passwd|list …"}
	}
	var c common
	fs := m.flags("user "+args[0], &c)
	username := fs.String("username", "", "username")
	role := fs.String("role", "", "role")
	regionCode := fs.String("region", "", "district or county code (county officials)")
	code := fs.String("uscc", "", "USCC of the enterprise, lab or certification body")
	display := fs.String("name", "", "display name")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	a, err := m.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx = qcity.WithActor(ctx, qcity.System("qcity user"))
	switch args[0] {
	case "add":
		pw, err := m.readPassword()
		if err != nil {
			return err
		}
		u, err := a.auth.CreateUser(ctx, auth.NewUser{Username: *username, DisplayName: *display, Password: pw,
			Role: qcity.Role(*role), Region: *regionCode, USCC: *code})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "created user %s (%s) id %d\n", u.Username, u.Role, u.ID)
	case "passwd":
		pw, err := m.readPassword()
		if err != nil {
			return err
		}
		if err := a.auth.SetPassword(ctx, *username, pw); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "password of %s changed; its sessions were ended\n", *username)
	case "list":
		users, err := a.auth.FindUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			state := ""
			if u.Disabled {
				state = " (disabled)"
			}
			fmt.Fprintf(m.Stdout, "%d\t%s\t%s\t%s\t%s%s\n", u.ID, u.Username, u.Role, u.Region, u.USCC, state)
		}
	default:
		return usageError{"usage: qcity user add|passwd|list …"}
	}
	return nil
}

func (m *Main) runAPIKey(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: qcity apikey create|revoke|list …"}
	}
	var c common
	fs := m.flags("apikey "+args[0], &c)
	name := fs.String("name", "", "key name, e.g. the client platform")
	role := fs.String("role", string(qcity.RoleAPIClient), "role: api_client, city_official, county_official or lab")
	regionCode := fs.String("region", "", "district or county code (county_official keys)")
	code := fs.String("uscc", "", "USCC of the lab (lab keys)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	a, err := m.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx = qcity.WithActor(ctx, qcity.System("qcity apikey"))
	switch args[0] {
	case "create":
		key, k, err := a.auth.CreateAPIKey(ctx, auth.APIKeyInput{Name: *name, Role: qcity.Role(*role), Region: *regionCode, USCC: *code})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "created API key %q (id %d, role %s); it is shown once, store it now:\n", k.Name, k.ID, k.Role)
		fmt.Fprintln(m.Stdout, key)
	case "revoke":
		if fs.NArg() != 1 {
			return usageError{"usage: qcity apikey revoke ID|NAME"}
		}
		k, err := a.auth.RevokeAPIKey(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "revoked API key %q (id %d)\n", k.Name, k.ID)
	case "list":
		keys, err := a.auth.FindAPIKeys(ctx)
		if err != nil {
			return err
		}
		for _, k := range keys {
			state := "live"
			if k.RevokedAt != nil {
				state = "revoked " + k.RevokedAt.Format(time.DateOnly)
			}
			fmt.Fprintf(m.Stdout, "%d\t%s\t%s…\t%s\t%s\t%s\n", k.ID, k.Name, k.Prefix, k.Role, k.Region, state)
		}
	default:
		return usageError{"usage: qcity apikey create|revoke|list …"}
	}
	return nil
}

func (m *Main) importSamples(ctx context.Context, c common, name string, dry bool) error {
	f, err := os.Open(name)
	if err != nil {
		return usageError{err.Error()}
	}
	defer f.Close()
	a, err := m.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	bar := newProgress(m.Stderr, "import")
	start := time.Now()
	sum, err := a.sampling.ImportSamples(qcity.WithActor(ctx, qcity.System("qcity import")), f, name,
		sampling.ImportOptions{DryRun: dry, Progress: bar.phase})
	bar.done()
	if err != nil {
		return err
	}
	verb := "imported"
	if dry {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(m.Stdout, "%s %d samples, %d items from %s in %s: %d failed, %d to review (sha256 %s)\n", verb, sum.Samples,
		sum.Items, name, time.Since(start).Round(time.Millisecond), sum.Failed, sum.Review, sum.SHA256)
	return nil
}
