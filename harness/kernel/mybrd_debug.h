/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What DEBUG=1 adds to the driver's build (the checker compiles it with
 * -include mybrd_debug.h; the driver's source is not changed):
 *
 * - Init's error paths, made to fail one step at a time. While the module
 *   initialises, every call that can fail is a step, counted in the
 *   parameter fault_steps; with fault_step=N the Nth fails as the kernel's
 *   own would (NULL, an error code or an ERR_PTR) and dmesg says which.
 *   Only this module's calls fail, and only during its init: the kernel's
 *   fault injection cannot be limited to one module on x86_64.
 * - Memory: every page and every kmalloc()ed or vmalloc()ed object the
 *   driver allocates is noted with the function that asked for it, and
 *   what is still held after the module's exit is reported in dmesg.
 *   (kmemleak does not see the page allocator, and can miss an object a
 *   stale pointer still reaches: on 6.12, a freed queue's.)
 *
 * Each wrapped name is a function the driver calls, or the function a
 * kernel macro expands to (register_blkdev() is __register_blkdev(); from
 * 6.10 kmalloc() is kmalloc_noprof()). A function-like macro is not
 * expanded again inside itself, so each wrapper calls the real function.
 */
#ifndef MYBRD_DEBUG_H
#define MYBRD_DEBUG_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <linux/mm.h>

static int mybrd_fault_step;
module_param_named(fault_step, mybrd_fault_step, int, 0444);
MODULE_PARM_DESC(fault_step, "checker (DEBUG=1): make init's Nth fallible call fail");
static int mybrd_fault_steps;
module_param_named(fault_steps, mybrd_fault_steps, int, 0444);
MODULE_PARM_DESC(fault_steps, "checker (DEBUG=1): fallible calls init made");

/*
 * The pages the driver holds: pfn -> the index of the function that
 * allocated it in mybrd_debug_callers (an xarray value entry); the
 * objects: address / 8 -> the same.
 */
static DEFINE_XARRAY(mybrd_debug_pages);
static DEFINE_XARRAY(mybrd_debug_objects);
static const char *mybrd_debug_callers[64];
static void (*mybrd_debug_real_exit)(void);

static inline unsigned long mybrd_debug_caller(const char *func)
{
	unsigned long i;

	for (i = 0; i < ARRAY_SIZE(mybrd_debug_callers) - 1; i++) {
		if (!mybrd_debug_callers[i])
			mybrd_debug_callers[i] = func;
		if (mybrd_debug_callers[i] == func)
			return i;
	}
	return i;
}

/* After the driver's exit: the pages it still holds, by allocator. */
static void mybrd_debug_exit(void)
{
	unsigned long held[ARRAY_SIZE(mybrd_debug_callers)] = { 0 };
	unsigned long pfn, i;
	void *entry;

	if (mybrd_debug_real_exit)
		mybrd_debug_real_exit();
	xa_for_each(&mybrd_debug_pages, pfn, entry)
		held[xa_to_value(entry) & 0xff] += 1UL << (xa_to_value(entry) >> 8);
	for (i = 0; i < ARRAY_SIZE(held); i++)
		if (held[i])
			pr_err("mybrd-leak: %lu page(s) allocated in %s() still held after the module's exit\n",
			       held[i], mybrd_debug_callers[i] ?: "?");
	xa_destroy(&mybrd_debug_pages);
	memset(held, 0, sizeof(held));
	xa_for_each(&mybrd_debug_objects, pfn, entry)
		held[xa_to_value(entry) & 0xff]++;
	for (i = 0; i < ARRAY_SIZE(held); i++)
		if (held[i])
			pr_err("mybrd-leak: %lu object(s) allocated in %s() still held after the module's exit\n",
			       held[i], mybrd_debug_callers[i] ?: "?");
	xa_destroy(&mybrd_debug_objects);
}

static inline void *mybrd_debug_got_object(void *obj, const char *func)
{
	if (!IS_ERR_OR_NULL(obj))
		xa_store(&mybrd_debug_objects, (unsigned long)obj >> 3,
			 xa_mk_value(mybrd_debug_caller(func)), GFP_ATOMIC);
	return obj;
}

static inline void mybrd_debug_put_object(const void *obj)
{
	if (!IS_ERR_OR_NULL(obj))
		xa_erase(&mybrd_debug_objects, (unsigned long)obj >> 3);
}

/* In init, once: the exit runs mybrd_debug_exit after the driver's own. */
static inline void mybrd_debug_hook_exit(void)
{
#ifdef CONFIG_MODULE_UNLOAD
	if (THIS_MODULE->exit && THIS_MODULE->exit != mybrd_debug_exit) {
		mybrd_debug_real_exit = THIS_MODULE->exit;
		THIS_MODULE->exit = mybrd_debug_exit;
	}
/*
 * The headers above set the kernel's default pr_fmt; the driver sets its
 * own after them, as the labs' files do ("mybrd: " before each message).
 */
#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#endif
}

static inline struct page *mybrd_debug_got(struct page *page,
					   unsigned int order,
					   const char *func)
{
	if (page)
		xa_store(&mybrd_debug_pages, page_to_pfn(page),
			 xa_mk_value(mybrd_debug_caller(func) | order << 8),
			 GFP_ATOMIC);
	return page;
}

static inline unsigned long mybrd_debug_got_addr(unsigned long addr,
						 unsigned int order,
						 const char *func)
{
	if (addr)
		mybrd_debug_got(virt_to_page((void *)addr), order, func);
	return addr;
}

static inline void mybrd_debug_put(struct page *page)
{
	if (page)
		xa_erase(&mybrd_debug_pages, page_to_pfn(page));
}


/* Counts a step of init; true when it is the one to fail. */
static inline bool mybrd_fault(const char *call, const char *caller)
{
	if (THIS_MODULE->state != MODULE_STATE_COMING)
		return false;
	mybrd_debug_hook_exit();
	if (++mybrd_fault_steps != mybrd_fault_step)
		return false;
	pr_info("mybrd-fault: step %d: %s in %s() fails on purpose\n",
		mybrd_fault_steps, call, caller);
	return true;
}

#define MYBRD_FAULT(call, failed, real) \
	(mybrd_fault(call, __func__) ? (failed) : (real))

/* Memory. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define kmalloc_noprof(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kmalloc()", NULL, kmalloc_noprof(__VA_ARGS__)), __func__)
#define kzalloc_noprof(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kzalloc()", NULL, kzalloc_noprof(__VA_ARGS__)), __func__)
#define kmalloc_array_noprof(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kmalloc_array()", NULL, kmalloc_array_noprof(__VA_ARGS__)), __func__)
#define kmalloc_array_node_noprof(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kmalloc_array_node()", NULL, kmalloc_array_node_noprof(__VA_ARGS__)), __func__)
#define kmalloc_node_noprof(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kmalloc_node()", NULL, kmalloc_node_noprof(__VA_ARGS__)), __func__)
#define vmalloc_noprof(...) \
	mybrd_debug_got_object(MYBRD_FAULT("vmalloc()", NULL, vmalloc_noprof(__VA_ARGS__)), __func__)
#define vzalloc_noprof(...) \
	mybrd_debug_got_object(MYBRD_FAULT("vzalloc()", NULL, vzalloc_noprof(__VA_ARGS__)), __func__)
#define alloc_pages_noprof(gfp, order) \
	mybrd_debug_got(MYBRD_FAULT("alloc_pages()", NULL, \
				    alloc_pages_noprof(gfp, order)), order, __func__)
#define get_free_pages_noprof(gfp, order) \
	mybrd_debug_got_addr(MYBRD_FAULT("__get_free_pages()", 0, \
					 get_free_pages_noprof(gfp, order)), \
			     order, __func__)
#else
#define kmalloc(...) mybrd_debug_got_object(MYBRD_FAULT("kmalloc()", NULL, kmalloc(__VA_ARGS__)), __func__)
#define kzalloc(...) mybrd_debug_got_object(MYBRD_FAULT("kzalloc()", NULL, kzalloc(__VA_ARGS__)), __func__)
#define kcalloc(...) mybrd_debug_got_object(MYBRD_FAULT("kcalloc()", NULL, kcalloc(__VA_ARGS__)), __func__)
#define kmalloc_array(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kmalloc_array()", NULL, kmalloc_array(__VA_ARGS__)), __func__)
#define kmalloc_node(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kmalloc_node()", NULL, kmalloc_node(__VA_ARGS__)), __func__)
#define kzalloc_node(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kzalloc_node()", NULL, kzalloc_node(__VA_ARGS__)), __func__)
#define kcalloc_node(...) \
	mybrd_debug_got_object(MYBRD_FAULT("kcalloc_node()", NULL, kcalloc_node(__VA_ARGS__)), __func__)
#define vmalloc(...) mybrd_debug_got_object(MYBRD_FAULT("vmalloc()", NULL, vmalloc(__VA_ARGS__)), __func__)
#define vzalloc(...) mybrd_debug_got_object(MYBRD_FAULT("vzalloc()", NULL, vzalloc(__VA_ARGS__)), __func__)
#define alloc_pages(gfp, order) \
	mybrd_debug_got(MYBRD_FAULT("alloc_pages()", NULL, \
				    alloc_pages(gfp, order)), order, __func__)
#define __get_free_pages(gfp, order) \
	mybrd_debug_got_addr(MYBRD_FAULT("__get_free_pages()", 0, \
					 __get_free_pages(gfp, order)), \
			     order, __func__)
/*
 * The headers above set the kernel's default pr_fmt; the driver sets its
 * own after them, as the labs' files do ("mybrd: " before each message).
 */
#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define get_zeroed_page_noprof(gfp) \
	mybrd_debug_got_addr(MYBRD_FAULT("get_zeroed_page()", 0, \
					 get_zeroed_page_noprof(gfp)), 0, __func__)
#else
#define get_zeroed_page(gfp) \
	mybrd_debug_got_addr(MYBRD_FAULT("get_zeroed_page()", 0, \
					 get_zeroed_page(gfp)), 0, __func__)
/*
 * The headers above set the kernel's default pr_fmt; the driver sets its
 * own after them, as the labs' files do ("mybrd: " before each message).
 */
#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#endif

/* Objects given back. */
#define kfree(obj) \
	({ const void *__mybrd_o = (obj); \
	   mybrd_debug_put_object(__mybrd_o); kfree(__mybrd_o); })
#define kvfree(obj) \
	({ const void *__mybrd_o = (obj); \
	   mybrd_debug_put_object(__mybrd_o); kvfree(__mybrd_o); })
#define vfree(obj) \
	({ const void *__mybrd_o = (obj); \
	   mybrd_debug_put_object(__mybrd_o); vfree(__mybrd_o); })

/* Pages given back (free_page() and __free_page() expand to these). */
#define __free_pages(pg, order) \
	({ struct page *__mybrd_p = (pg); \
	   mybrd_debug_put(__mybrd_p); __free_pages(__mybrd_p, order); })
#define free_pages(addr, order) \
	({ unsigned long __mybrd_a = (addr); \
	   if (__mybrd_a) \
		mybrd_debug_put(virt_to_page((void *)__mybrd_a)); \
	   free_pages(__mybrd_a, order); })
#define put_page(pg) \
	({ struct page *__mybrd_p = (pg); \
	   if (page_ref_count(__mybrd_p) == 1) \
		mybrd_debug_put(__mybrd_p); \
	   put_page(__mybrd_p); })

/* The block layer: the major, the tag set, the disk. */
#define __register_blkdev(...) \
	MYBRD_FAULT("register_blkdev()", -EBUSY, __register_blkdev(__VA_ARGS__))
#define blk_mq_alloc_tag_set(...) \
	MYBRD_FAULT("blk_mq_alloc_tag_set()", -ENOMEM, \
		    blk_mq_alloc_tag_set(__VA_ARGS__))
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define __blk_alloc_disk(...) \
	MYBRD_FAULT("blk_alloc_disk()", ERR_PTR(-ENOMEM), \
		    __blk_alloc_disk(__VA_ARGS__))
#else
#define __blk_alloc_disk(...) \
	MYBRD_FAULT("blk_alloc_disk()", NULL, __blk_alloc_disk(__VA_ARGS__))
/*
 * The headers above set the kernel's default pr_fmt; the driver sets its
 * own after them, as the labs' files do ("mybrd: " before each message).
 */
#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#endif
#define __blk_mq_alloc_disk(...) \
	MYBRD_FAULT("blk_mq_alloc_disk()", ERR_PTR(-ENOMEM), \
		    __blk_mq_alloc_disk(__VA_ARGS__))
#define add_disk(...) MYBRD_FAULT("add_disk()", -ENOMEM, add_disk(__VA_ARGS__))
#define device_add_disk(...) \
	MYBRD_FAULT("device_add_disk()", -ENOMEM, device_add_disk(__VA_ARGS__))

/* lab 06's probe. */
#define register_kprobe(...) \
	MYBRD_FAULT("register_kprobe()", -ENOMEM, register_kprobe(__VA_ARGS__))

/*
 * The headers above set the kernel's default pr_fmt; the driver sets its
 * own after them, as the labs' files do ("mybrd: " before each message).
 */
#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#endif
