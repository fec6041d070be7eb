/*
 * driver.c: runs C libpq against a test's scripted server, for the
 * differential test of package libpq (clibpq_test.go).
 *
 * Commands arrive on stdin, one a line; arguments are hex-encoded. Each
 * command's answer is a transcript on stdout, ended by a line ".". The Go
 * side writes the same transcript from fakepg/libpq, so the two are compared
 * as text. Strings are quoted by quote() below, which the Go side mirrors.
 *
 *   connect HEX   PQconnectdb(conninfo); notices of the startup go to the
 *                 default notice processor (stderr), which is captured
 *   exec HEX      PQexec
 *   send HEX      PQsendQuery, then PQgetResult until NULL
 *   poll HEX      PQsendQuery, then PQisBusy/PQconsumeInput (waiting for the
 *                 socket to be readable) before each PQgetResult
 *   xparams HEX   PQexecParams with the text parameters "1" and NULL
 *   prepare HEX   PQprepare of statement "s1" without parameter types
 *   xprepared     PQexecPrepared of "s1" with the parameters "1" and NULL
 *   verbosity V C PQsetErrorVerbosity(V), PQsetErrorContextVisibility(C)
 *   finish        PQfinish
 *
 * With the argument -version it prints PQlibVersion() and exits.
 *
 * The program defines recv, so libpq's calls come here: each call is
 * passed on to the kernel and then reported on descriptor 3, if open, as
 * a line "RESULT LEFT": recv's return value and the bytes still queued on
 * the socket after it returned. The test writes the next segment of server
 * bytes only after a report that the previous one is consumed, so no recv
 * returns bytes of two segments. Each connect command first writes the
 * line "case" there, marking where a case's reports begin.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libpq-fe.h>

/* The most results a send or poll command collects (COPY states return
 * a result forever). */
#define MAX_RESULTS 20

static PGconn *conn;

/* The descriptor recv reports go to, -1 if none. */
static int	report_fd = -1;

static void report(const char *line, size_t n)
{
	if (report_fd >= 0 && write(report_fd, line, n) != (ssize_t) n)
	{
		perror("driver: report");
		exit(1);
	}
}

/* recv replaces the C library's for libpq: see the comment at the top. */
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t		n = syscall(SYS_recvfrom, fd, buf, len, flags, NULL, NULL);
	int			saved = errno;
	int			left = -1;
	char		line[64];
	int			k;

	if (ioctl(fd, FIONREAD, &left) < 0)
		left = -1;
	k = snprintf(line, sizeof(line), "%zd %d\n", n, left);
	report(line, (size_t) k);
	errno = saved;
	return n;
}

static void quote(const char *s, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '\\' || c == '"')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('"');
}

static void quotes(const char *s)
{
	if (s == NULL)
		s = "";
	quote(s, strlen(s));
}

static void notice_processor(void *arg, const char *message)
{
	(void) arg;
	fputs("notice ", stdout);
	quotes(message);
	putchar('\n');
}

static const char *conn_status_name(ConnStatusType s)
{
	switch (s)
	{
		case CONNECTION_OK:
			return "CONNECTION_OK";
		case CONNECTION_BAD:
			return "CONNECTION_BAD";
		default:
			return "CONNECTION_UNKNOWN";
	}
}

static const char *trans_status_name(PGTransactionStatusType s)
{
	switch (s)
	{
		case PQTRANS_IDLE:
			return "PQTRANS_IDLE";
		case PQTRANS_ACTIVE:
			return "PQTRANS_ACTIVE";
		case PQTRANS_INTRANS:
			return "PQTRANS_INTRANS";
		case PQTRANS_INERROR:
			return "PQTRANS_INERROR";
		default:
			return "PQTRANS_UNKNOWN";
	}
}

static const char *const params[] = {
	"client_encoding", "server_version", "standard_conforming_strings",
	"application_name", "TimeZone", NULL
};

/* print_conn reports the connection's state after a command. */
static void print_conn(void)
{
	PGnotify   *n;
	int			i;

	printf("conn %s %s pid=%d version=%d\n", conn_status_name(PQstatus(conn)),
		   trans_status_name(PQtransactionStatus(conn)), PQbackendPID(conn),
		   PQserverVersion(conn));
	fputs("errmsg ", stdout);
	quotes(PQerrorMessage(conn));
	putchar('\n');
	for (i = 0; params[i] != NULL; i++)
	{
		const char *v = PQparameterStatus(conn, params[i]);

		if (v != NULL && v[0] != '\0')
		{
			printf("param %s ", params[i]);
			quotes(v);
			putchar('\n');
		}
	}
	while ((n = PQnotifies(conn)) != NULL)
	{
		printf("notify %d ", n->be_pid);
		quotes(n->relname);
		putchar(' ');
		quotes(n->extra);
		putchar('\n');
		PQfreemem(n);
	}
}

/* print_result reports everything the accessors say about res. */
static void print_result(PGresult *res)
{
	int			i,
				j;
	char	   *verbose;
	const char *tuples;

	if (res == NULL)
	{
		puts("result null");
		return;
	}
	printf("result %s ntuples=%d nfields=%d binary=%d nparams=%d\n",
		   PQresStatus(PQresultStatus(res)), PQntuples(res), PQnfields(res),
		   PQbinaryTuples(res), PQnparams(res));
	for (i = 0; i < PQnfields(res); i++)
	{
		printf("field %d ", i);
		quotes(PQfname(res, i));
		printf(" table=%u col=%d type=%u size=%d mod=%d format=%d\n",
			   PQftable(res, i), PQftablecol(res, i), PQftype(res, i),
			   PQfsize(res, i), PQfmod(res, i), PQfformat(res, i));
	}
	for (i = 0; i < PQntuples(res); i++)
		for (j = 0; j < PQnfields(res); j++)
		{
			printf("value %d %d ", i, j);
			if (PQgetisnull(res, i, j))
				fputs("null", stdout);
			else
				quote(PQgetvalue(res, i, j), PQgetlength(res, i, j));
			putchar('\n');
		}
	fputs("cmdstatus ", stdout);
	quotes(PQcmdStatus(res));
	putchar('\n');
	tuples = PQcmdTuples(res);
	fputs("cmdtuples ", stdout);
	quotes(tuples);
	putchar('\n');
	fputs("error ", stdout);
	quotes(PQresultErrorMessage(res));
	putchar('\n');
	for (i = 0; i < 128; i++)
	{
		const char *v;

		if (!isalpha(i))
			continue;
		v = PQresultErrorField(res, i);
		if (v != NULL && v[0] != '\0')
		{
			printf("errfield %c ", i);
			quotes(v);
			putchar('\n');
		}
	}
	verbose = PQresultVerboseErrorMessage(res, PQERRORS_VERBOSE, PQSHOW_CONTEXT_ALWAYS);
	fputs("verbose ", stdout);
	quotes(verbose);
	putchar('\n');
	PQfreemem(verbose);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* unhex decodes s in place; it stops at the first non-hex character. */
static char *unhex(char *s)
{
	char	   *out = s;
	char	   *in = s;

	while (hexval(in[0]) >= 0 && hexval(in[1]) >= 0)
	{
		*out++ = (char) (hexval(in[0]) * 16 + hexval(in[1]));
		in += 2;
	}
	*out = '\0';
	return s;
}

/* do_connect runs PQconnectdb with stderr redirected to a file, so that
 * the default notice processor's output can be reported. */
static void do_connect(const char *conninfo)
{
	FILE	   *capture = tmpfile();
	int			saved = dup(2);
	char		buf[65536];
	size_t		n;

	report("case\n", 5);

	if (capture == NULL || saved < 0)
	{
		perror("driver: capture stderr");
		exit(1);
	}
	fflush(stderr);
	dup2(fileno(capture), 2);
	conn = PQconnectdb(conninfo);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (conn == NULL)
	{
		fputs("driver: PQconnectdb returned NULL\n", stderr);
		exit(1);
	}
	rewind(capture);
	n = fread(buf, 1, sizeof(buf), capture);
	fclose(capture);
	if (n > 0)
	{
		fputs("stderr ", stdout);
		quote(buf, n);
		putchar('\n');
	}
	PQsetNoticeProcessor(conn, notice_processor, NULL);
	print_conn();
}

/* The parameters of xparams and xprepared. */
static const char *const param_values[2] = {"1", NULL};

/* print_and_clear reports the result of a synchronous command. */
static void print_and_clear(PGresult *res)
{
	print_result(res);
	PQclear(res);
	print_conn();
}

static void do_send(const char *query, int polled)
{
	int			i;

	if (!PQsendQuery(conn, query))
	{
		puts("sent 0");
		print_conn();
		return;
	}
	puts("sent 1");
	for (i = 0; i < MAX_RESULTS; i++)
	{
		PGresult   *res;

		while (polled && PQisBusy(conn))
		{
			struct pollfd pfd = {PQsocket(conn), POLLIN, 0};

			if (poll(&pfd, 1, -1) < 0)
			{
				perror("driver: poll");
				exit(1);
			}
			if (!PQconsumeInput(conn))
			{
				puts("consume 0");
				break;
			}
		}
		res = PQgetResult(conn);
		if (res == NULL)
			break;
		print_result(res);
		PQclear(res);
	}
	if (i == MAX_RESULTS)
		puts("result limit");
	print_conn();
}

int main(int argc, char **argv)
{
	char	   *line = NULL;
	size_t		cap = 0;

	if (argc > 1 && strcmp(argv[1], "-version") == 0)
	{
		printf("%d\n", PQlibVersion());
		return 0;
	}

	if (fcntl(3, F_GETFD) >= 0)
		report_fd = 3;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	while (getline(&line, &cap, stdin) > 0)
	{
		char	   *arg = strchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (arg != NULL)
			*arg++ = '\0';
		printf("%s\n", line);
		if (strcmp(line, "connect") == 0 && arg != NULL)
			do_connect(unhex(arg));
		else if (strcmp(line, "exec") == 0 && arg != NULL)
			print_and_clear(PQexec(conn, unhex(arg)));
		else if (strcmp(line, "xparams") == 0 && arg != NULL)
			print_and_clear(PQexecParams(conn, unhex(arg), 2, NULL, param_values, NULL, NULL, 0));
		else if (strcmp(line, "prepare") == 0 && arg != NULL)
			print_and_clear(PQprepare(conn, "s1", unhex(arg), 0, NULL));
		else if (strcmp(line, "xprepared") == 0)
			print_and_clear(PQexecPrepared(conn, "s1", 2, param_values, NULL, NULL, 0));
		else if (strcmp(line, "send") == 0 && arg != NULL)
			do_send(unhex(arg), 0);
		else if (strcmp(line, "poll") == 0 && arg != NULL)
			do_send(unhex(arg), 1);
		else if (strcmp(line, "verbosity") == 0 && arg != NULL)
		{
			int			v,
						c;

			if (sscanf(arg, "%d %d", &v, &c) != 2)
				return 2;
			PQsetErrorVerbosity(conn, (PGVerbosity) v);
			PQsetErrorContextVisibility(conn, (PGContextVisibility) c);
		}
		else if (strcmp(line, "finish") == 0)
		{
			PQfinish(conn);
			conn = NULL;
		}
		else
		{
			fprintf(stderr, "driver: bad command %s\n", line);
			return 2;
		}
		puts(".");
		fflush(stdout);
	}
	return 0;
}
