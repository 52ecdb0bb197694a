// SPDX-License-Identifier: GPL-2.0
#include "results.h"
#include "diagnose.h"
#include "flood.h"
#include "format.h"
#include "kmsg.h"
#include "symbolize.h"
#include "protocol.h"
#include "textfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The same crash, test after test: the same kind of report at the same
 * place (the faulting address may differ: the sector differs).
 */
static char *crash_key(const struct kslice *s, enum kproblem p, size_t at,
		       const char *where)
{
	size_t rip = klog_find_line(s, at, "RIP: ");

	return strdupf("%s at %s", kproblem_name(p), where ? where :
		       rip < s->end ? s->log->lines[rip] : "?");
}

/*
 * One plain sentence for a test that never reached its end, in r->cause,
 * and what makes it the same as another test's, in r->key.
 */
static void crash_cause(const struct suite_config *cfg,
			struct test_result *r, bool killed)
{
	const struct kslice *s = &r->dmesg;
	size_t at = 0;
	enum kproblem p = klog_find_problem(s, &at);
	const char *line = p ? s->log->lines[at] : "";
	char *why = killed ? diagnose_stall(s) : NULL;
	char *where, *cause;
	struct flood f;

	if (why) {
		r->cause = strdupf("it hung: %s", why);
		r->key = strdup(r->cause);
		free(why);
		return;
	}
	where = p ? locate_problem(s, cfg->module) : NULL;
	if (killed && find_flood(s, cfg->module, &f)) {
		why = flood_sentence(&f);
		cause = strdupf("it did not end within %.0f s: %s%s%s%s%s",
				cfg->test_limit_s, why,
				p ? ", after a kernel " : "",
				p ? kproblem_name(p) : "", p ? ": " : "", line);
		free(why);
		r->flooding = true;
		if (f.in_insmod)
			snprintf(r->stalled, sizeof(r->stalled), "insmod");
		r->key = flood_key(&f);
	} else if (killed && p)
		cause = strdupf("it hung: no end within %.0f s, after a kernel %s (%s)%s%s",
				cfg->test_limit_s, kproblem_name(p), line,
				where ? ", in " : "", where ? where : "");
	else if (killed)
		cause = strdupf("it hung: no end within %.0f s and no kernel message",
				cfg->test_limit_s);
	else if (p) {
		cause = strdupf("a kernel %s stopped the VM (%s)%s%s",
				kproblem_name(p), line, where ? ", in " : "",
				where ? where : "");
		r->key = crash_key(s, p, at, where);
	}
	else
		cause = strdupf("the VM stopped with no kernel message");
	free(where);
	r->cause = cause;
	if (!r->key)
		r->key = cause ? strdup(cause) : NULL;
}

char *boot_cause(const struct suite_config *cfg, const struct klog *log,
		 bool killed)
{
	struct kslice all = klog_all(log);
	size_t at = 0;
	enum kproblem p = klog_find_problem(&all, &at);

	if (p)
		return strdupf("the VM did not boot: a kernel %s (%s)",
			       kproblem_name(p), log->lines[at]);
	if (killed && cfg->accel && !strcmp(cfg->accel, "kvm"))
		return strdupf("the VM did not boot within %.0f s under KVM (nested KVM often hangs; ACCEL=tcg works everywhere)",
			       cfg->boot_limit_s);
	if (killed)
		return strdupf("the VM did not boot within %.0f s",
			       cfg->boot_limit_s);
	return strdupf("the VM stopped before the tests began (is QEMU installed? see %s)",
		       cfg->workdir);
}

int collect(struct suite_run *run, const struct suite_config *cfg,
	    const struct boot *b, const struct watch *w, int first)
{
	struct klog *log = &run->logs[run->nboots - 1];
	char *text = read_text_file(b->proto, NULL);
	struct proto p;
	int next = run->ntests;

	klog_load_boot(log, b->kmsg, b->console);
	proto_parse(&p, text, run->ntests);
	free(text);
	for (int i = first; i < run->ntests; i++) {
		struct test_result *r = &run->results[i];

		if (!p.tests[i].began)
			continue;
		r->ran = true;
		r->ended = p.tests[i].ended;
		r->rc = p.tests[i].rc;
		r->output = p.tests[i].output;
		p.tests[i].output = NULL;
		r->seconds = w->test_seconds[i];
		klog_test_slice(log, i, &r->dmesg);
		if (!r->ended && next == run->ntests) {
			/* The VM stopped by itself: it crashed. */
			r->crashed = !w->killed;
			if (w->killed)
				stalled_command(&r->dmesg, r->stalled,
						sizeof(r->stalled));
			else if (crashed_while_loading(&r->dmesg))
				snprintf(r->stalled, sizeof(r->stalled),
					 "insmod");
			crash_cause(cfg, r, w->killed);
			next = i + 1;
		}
	}
	/* Stopped between tests: go on with the first that did not run. */
	if (next == run->ntests && !p.done) {
		for (int i = first; i < run->ntests; i++)
			if (!p.tests[i].began) {
				next = i;
				break;
			}
	}
	proto_free(&p);
	return next;
}

/*
 * Did test i hang as the last test that hung did, in insmod or rmmod? Then
 * every test will (each loads the module). The earlier test's index, or -1.
 */
int same_hang_again(const struct suite_run *run, int i)
{
	const struct test_result *r = &run->results[i];

	if (!r->stalled[0] || !r->key ||
	    (strcmp(r->stalled, "insmod") && strcmp(r->stalled, "rmmod")))
		return -1;
	for (int k = i - 1; k >= 0; k--) {
		const struct test_result *e = &run->results[k];

		if (!e->ran || e->ended)
			continue;
		if (e->key && !strcmp(e->key, r->key) &&
		    !strcmp(e->stalled, r->stalled))
			return k;
		return -1;
	}
	return -1;
}

void refer_to_same(struct suite_run *run, const struct lab *lab, int i)
{
	struct test_result *r = &run->results[i];

	if (r->ended || !r->key || r->same_as)
		return;
	for (int k = 0; k < i; k++) {
		const struct test_result *e = &run->results[k];

		if (e->ran && !e->ended && !e->same_as && e->key &&
		    !strcmp(e->key, r->key)) {
			r->same_as = lab->tests[k].name;
			return;
		}
	}
}

/* The tests after i do not run: test `first`'s hang would stop them all. */
void block_remaining(struct suite_run *run, const struct lab *lab, int i,
		     int first)
{
	run->results[i].same_as = lab->tests[first].name;
	for (int k = i + 1; k < run->ntests; k++) {
		struct test_result *r = &run->results[k];

		if (r->ran)
			continue;
		r->blocked_by = lab->tests[first].name;
		memcpy(r->stalled, run->results[i].stalled,
		       sizeof(r->stalled));
		r->crashed = run->results[i].crashed;
		r->flooding = run->results[i].flooding;
	}
}

void fail_remaining(struct suite_run *run, int first, const char *why)
{
	for (int i = first; i < run->ntests; i++)
		if (!run->results[i].ran)
			run->results[i].cause = strdup(why);
}
