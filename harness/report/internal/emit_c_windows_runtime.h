// emit_c_windows_runtime.h — the fixed parts of the c-win32 and c-nt
// reproducers that emit_c_windows.cc writes around the scenario's own code:
// the same program as the C-POSIX one (emit_c_posix_runtime.h), with Win32
// threads, Interlocked atomics and a sandbox made and removed with Win32
// calls. Plain C that mingw-w64 gcc, cl and zig cc all take: no stdatomic.h,
// no pthreads. The emitter leaves out a piece the scenario does not use,
// since the program compiles with -Werror.

#ifndef OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_WINDOWS_RUNTIME_H_
#define OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_WINDOWS_RUNTIME_H_

#include "absl/strings/string_view.h"

namespace openrace::internal {

inline constexpr absl::string_view kWindowsIncludes = R"c(/* cl: wcscpy and friends are used with their bounds checked by hand. */
#define _CRT_SECURE_NO_WARNINGS
#define WIN32_LEAN_AND_MEAN

#include <windows.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* In wchar_t, for every path the program builds. */
#define PATH_CAP 2048
)c";

inline constexpr absl::string_view kWindowsSpinBarrier = R"c(
/*
 * A spin barrier: the threads it releases leave within nanoseconds of each
 * other, which a sleeping barrier does not give. A waiter yields after
 * SPINS_BEFORE_YIELD spins, since the machine may have fewer cores than
 * threads.
 */
#define SPINS_BEFORE_YIELD 1000

struct spin_barrier {
    LONG parties;
    volatile LONG arrived;
    volatile LONG generation;
};

static LONG atomic_read(volatile LONG *value)
{
    return InterlockedCompareExchange(value, 0, 0);
}

static void spin_barrier_wait(struct spin_barrier *b)
{
    LONG generation = atomic_read(&b->generation);
    if (InterlockedIncrement(&b->arrived) == b->parties) {
        InterlockedExchange(&b->arrived, 0);
        InterlockedIncrement(&b->generation);
        return;
    }
    for (unsigned spins = 0; atomic_read(&b->generation) == generation; spins++) {
        if (spins >= SPINS_BEFORE_YIELD)
            SwitchToThread();
        else
            YieldProcessor();
    }
}
)c";

inline constexpr absl::string_view kWindowsSpin = R"c(
static LONGLONG now_ns(void)
{
    LARGE_INTEGER frequency, now;
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&now);
    return now.QuadPart / frequency.QuadPart * 1000000000 +
           now.QuadPart % frequency.QuadPart * 1000000000 / frequency.QuadPart;
}

/* Busy-waits `ns` nanoseconds: slides the next call against other threads' calls. */
static void spin_ns(LONGLONG ns)
{
    LONGLONG end = now_ns() + ns;
    while (now_ns() < end)
        continue;
}
)c";

// Before it: INVALID_PARAMETER_CODE, the code that makes a failure
// unexpected under UNEXPECTED_IF_INVALID_PARAMETER.
inline constexpr absl::string_view kWindowsCounting = R"c(
/* Which failures of a call are unexpected: see the rule at the top. */
enum judgement { NEVER_UNEXPECTED, UNEXPECTED_IF_INVALID_PARAMETER, UNEXPECTED_IF_ANY_FAILURE };

/* The distinct failure codes of one call are counted apart, up to
 * FAILURE_KINDS of them; the rest together. */
#define FAILURE_KINDS 8

/* One call's outcomes. Only its own thread writes them, the main thread
 * reads them after the last round. */
struct op_stats {
    const char *name; /* "t1.op2": thread 1, operation 2 */
    const char *what;
    enum judgement judgement;
    unsigned long calls, ok, transient, unexpected;
    struct { DWORD code; unsigned long count; } failures[FAILURE_KINDS]; /* first tries */
    unsigned long other_failures;
};

/* Set by a thread when its round had an unexpected failure. */
static volatile LONG round_failed;

static void count_success(struct op_stats *s)
{
    s->calls++;
    s->ok++;
}

static void count_failure(struct op_stats *s, DWORD code, int retry_succeeded)
{
    size_t i = 0;
    s->calls++;
    while (i < FAILURE_KINDS && s->failures[i].count > 0 && s->failures[i].code != code)
        i++;
    if (i < FAILURE_KINDS) {
        s->failures[i].code = code;
        s->failures[i].count++;
    } else {
        s->other_failures++;
    }
    if (retry_succeeded)
        s->transient++;
    if (s->judgement == UNEXPECTED_IF_ANY_FAILURE ||
        (s->judgement == UNEXPECTED_IF_INVALID_PARAMETER && code == INVALID_PARAMETER_CODE)) {
        s->unexpected++;
        InterlockedExchange(&round_failed, 1);
    }
}
)c";

inline constexpr absl::string_view kWindowsCloseHandle = R"c(
static void close_handle(HANDLE *h)
{
    if (*h != INVALID_HANDLE_VALUE)
        CloseHandle(*h);
    *h = INVALID_HANDLE_VALUE;
}
)c";

inline constexpr absl::string_view kWindowsSandbox = R"c(
/* The full path of DIR\repro-XXXXXX, the current directory while the
 * program runs, and its \\?\ and \??\ forms. Nothing outside it is touched. */
static wchar_t parent[PATH_CAP];
static wchar_t sandbox[PATH_CAP];
static wchar_t sandbox_verbatim[PATH_CAP];
static wchar_t sandbox_nt[PATH_CAP];

/* `out` = `a` + `b` + `c`; -1 when it does not fit. */
static int join3(wchar_t *out, const wchar_t *a, const wchar_t *b, const wchar_t *c)
{
    if (wcslen(a) + wcslen(b) + wcslen(c) >= PATH_CAP)
        return -1;
    wcscpy(out, a);
    wcscat(out, b);
    wcscat(out, c);
    return 0;
}

/* C:\x -> PREFIX C:\x, \\server\share\x -> PREFIX UNC\server\share\x. */
static int prefixed_root(wchar_t *out, const wchar_t *prefix)
{
    if (wcsncmp(sandbox, L"\\\\", 2) == 0)
        return join3(out, prefix, L"UNC\\", sandbox + 2);
    return join3(out, prefix, L"", sandbox);
}

/* Makes the sandbox in `dir` and changes into it. */
static int make_sandbox(const char *dir)
{
    wchar_t path[PATH_CAP], name[16];
    DWORD seed = GetCurrentProcessId() * 2654435761u ^ GetTickCount();
    if (MultiByteToWideChar(CP_ACP, 0, dir, -1, parent, PATH_CAP) == 0) {
        fprintf(stderr, "repro: %s: not a usable path\n", dir);
        return -1;
    }
    for (int attempt = 0;; attempt++) {
        seed = seed * 1103515245u + 12345u;
        wcscpy(name, L"\\repro-XXXXXX");
        for (int i = 0; i < 6; i++)
            name[7 + i] = L"0123456789abcdef"[(seed >> (4 * i + 4)) & 15];
        if (join3(path, parent, name, L"") != 0) {
            fprintf(stderr, "repro: %s: path too long\n", dir);
            return -1;
        }
        if (CreateDirectoryW(path, NULL))
            break;
        if (GetLastError() != ERROR_ALREADY_EXISTS || attempt == 100) {
            fprintf(stderr, "repro: cannot make a directory in %s: error %lu\n", dir, GetLastError());
            return -1;
        }
    }
    if (!SetCurrentDirectoryW(path) || GetCurrentDirectoryW(PATH_CAP, sandbox) == 0 ||
        prefixed_root(sandbox_verbatim, L"\\\\?\\") != 0 || prefixed_root(sandbox_nt, L"\\??\\") != 0) {
        fprintf(stderr, "repro: cannot change into %ls: error %lu\n", path, GetLastError());
        RemoveDirectoryW(path);
        return -1;
    }
    return 0;
}

/* Removes everything inside `dir`, without following reparse points. */
static int clear_directory(const wchar_t *dir)
{
    wchar_t path[PATH_CAP];
    WIN32_FIND_DATAW entry;
    int status = 0;
    if (join3(path, dir, L"\\*", L"") != 0)
        return -1;
    HANDLE find = FindFirstFileW(path, &entry);
    if (find == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : -1;
    do {
        if (wcscmp(entry.cFileName, L".") == 0 || wcscmp(entry.cFileName, L"..") == 0)
            continue;
        if (join3(path, dir, L"\\", entry.cFileName) != 0) {
            status = -1;
            break;
        }
        SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL); /* a read-only file */
        if (!(entry.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
            if (!DeleteFileW(path))
                status = -1;
        } else if ((!(entry.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
                    clear_directory(path) != 0) ||
                   !RemoveDirectoryW(path)) {
            status = -1;
        }
        if (status != 0)
            fprintf(stderr, "repro: cannot remove %ls: error %lu\n", path, GetLastError());
    } while (status == 0 && FindNextFileW(find, &entry));
    FindClose(find);
    return status;
}

static int clear_sandbox(void)
{
    return clear_directory(sandbox);
}

static void remove_sandbox(void)
{
    /* The current directory cannot be removed: leave it first. */
    if (!SetCurrentDirectoryW(parent) || clear_sandbox() != 0 || !RemoveDirectoryW(sandbox))
        fprintf(stderr, "repro: could not remove %ls\n", sandbox);
}
)c";

inline constexpr absl::string_view kWindowsSetupOpen = R"c(
/* Setup calls are retried once too, so that a transient failure of the file
 * system under test is not mistaken for a broken setup. */
static HANDLE setup_open(const wchar_t *path, DWORD access, DWORD share, DWORD disposition, DWORD flags)
{
    HANDLE h = CreateFileW(path, access, share, NULL, disposition, flags, NULL);
    if (h == INVALID_HANDLE_VALUE)
        h = CreateFileW(path, access, share, NULL, disposition, flags, NULL);
    if (h == INVALID_HANDLE_VALUE)
        fprintf(stderr, "repro: cannot open %ls: error %lu\n", path, GetLastError());
    return h;
}
)c";

inline constexpr absl::string_view kWindowsBuildTree = R"c(
/* Builds the tree in the sandbox (the current directory). */
static int build_tree(void)
{
    for (size_t i = 0; i < sizeof tree / sizeof tree[0]; i++) {
        wchar_t path[PATH_CAP];
        if (MultiByteToWideChar(CP_ACP, 0, tree[i].path, -1, path, PATH_CAP) == 0)
            return -1;
        if (tree[i].kind == DIRECTORY) {
            if (!CreateDirectoryW(path, NULL) && !CreateDirectoryW(path, NULL)) {
                fprintf(stderr, "repro: cannot make %ls: error %lu\n", path, GetLastError());
                return -1;
            }
        } else {
            HANDLE h = setup_open(path, GENERIC_WRITE, 0, CREATE_NEW, FILE_ATTRIBUTE_NORMAL);
            if (h == INVALID_HANDLE_VALUE)
                return -1;
            CloseHandle(h);
        }
    }
    return 0;
}
)c";

inline constexpr absl::string_view kWindowsWorker = R"c(
static unsigned long rounds = DEFAULT_ROUNDS;

static DWORD WINAPI worker(LPVOID arg)
{
    void (*round)(void) = thread_round[(INT_PTR)arg];
    for (unsigned long r = 0; r < rounds; r++) {
        spin_barrier_wait(&round_start);
        round();
        spin_barrier_wait(&round_end);
    }
    return 0;
}
)c";

inline constexpr absl::string_view kWindowsSummary = R"c(
/* Prints the table of outcomes and the verdict; returns the exit status. */
static int print_summary(unsigned long failing_rounds)
{
    unsigned long unexpected = 0;
    printf("%-8s %8s %8s %8s %9s %10s  %s\n", "op", "calls", "ok", "failed",
           "transient", "unexpected", "call");
    for (size_t i = 0; i < OP_COUNT; i++) {
        const struct op_stats *s = &stats[i];
        printf("%-8s %8lu %8lu %8lu %9lu %10lu  %s\n", s->name, s->calls, s->ok,
               s->calls - s->ok, s->transient, s->unexpected, s->what);
        for (size_t k = 0; k < FAILURE_KINDS && s->failures[k].count > 0; k++)
            printf("%-8s %8lu %s\n", "", s->failures[k].count, code_name(s->failures[k].code));
        if (s->other_failures > 0)
            printf("%-8s %8lu %s\n", "", s->other_failures, "other codes");
        unexpected += s->unexpected;
    }
    if (unexpected > 0) {
        printf("REPRODUCED: %lu unexpected failures in %lu rounds (rate %.3f%%)\n",
               unexpected, rounds, 100.0 * (double)failing_rounds / (double)rounds);
        return 1;
    }
    printf("not reproduced in %lu rounds\n", rounds);
    return 0;
}
)c";



// The c-nt program's own pieces: ntdll's declarations, looked up at run
// time, and one helper per call kind, each making the calls openrace's nt
// backend makes (harness/backend_nt.cc).

inline constexpr absl::string_view kNtDeclarations = R"c(
/*
 * ntdll's declarations, from the Windows SDK and WDK headers (winternl.h
 * has only some of them, and not in every SDK). The functions are looked up
 * at run time, so the build needs no ntdll import library.
 */
typedef LONG NTSTATUS;
#define NT_SUCCESS(status) ((NTSTATUS)(status) >= 0)

typedef struct {
    USHORT Length;        /* bytes, without a terminator */
    USHORT MaximumLength;
    PWSTR Buffer;
} NT_UNICODE_STRING;

typedef struct {
    ULONG Length;
    HANDLE RootDirectory; /* the name is relative to this directory; NULL: absolute */
    NT_UNICODE_STRING *ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} NT_OBJECT_ATTRIBUTES;

typedef struct {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    } u;
    ULONG_PTR Information;
} NT_IO_STATUS_BLOCK;

#define NT_OBJ_CASE_INSENSITIVE 0x40 /* as Win32 opens are */
#ifndef FILE_OPEN
#define FILE_SUPERSEDE 0x00000000
#define FILE_OPEN 0x00000001
#define FILE_CREATE 0x00000002
#define FILE_OPEN_IF 0x00000003
#define FILE_OVERWRITE 0x00000004
#define FILE_OVERWRITE_IF 0x00000005
#endif
#ifndef FILE_DIRECTORY_FILE
#define FILE_DIRECTORY_FILE 0x00000001
#define FILE_SYNCHRONOUS_IO_NONALERT 0x00000020
#define FILE_NON_DIRECTORY_FILE 0x00000040
#define FILE_OPEN_FOR_BACKUP_INTENT 0x00004000
#define FILE_OPEN_REPARSE_POINT 0x00200000
#endif

typedef NTSTATUS(NTAPI *NtCreateFile_fn)(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                                         NT_OBJECT_ATTRIBUTES *ObjectAttributes,
                                         NT_IO_STATUS_BLOCK *IoStatusBlock,
                                         PLARGE_INTEGER AllocationSize, ULONG FileAttributes,
                                         ULONG ShareAccess, ULONG CreateDisposition,
                                         ULONG CreateOptions, PVOID EaBuffer, ULONG EaLength);
typedef NTSTATUS(NTAPI *NtSetInformationFile_fn)(HANDLE FileHandle,
                                                 NT_IO_STATUS_BLOCK *IoStatusBlock,
                                                 PVOID FileInformation, ULONG Length,
                                                 int FileInformationClass);
static NtCreateFile_fn pNtCreateFile;
static NtSetInformationFile_fn pNtSetInformationFile;

static int load_ntdll(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    if (ntdll != NULL) {
        pNtCreateFile = (NtCreateFile_fn)(void *)GetProcAddress(ntdll, "NtCreateFile");
        pNtSetInformationFile =
            (NtSetInformationFile_fn)(void *)GetProcAddress(ntdll, "NtSetInformationFile");
    }
    if (pNtCreateFile == NULL || pNtSetInformationFile == NULL) {
        fprintf(stderr, "repro: ntdll.dll lacks NtCreateFile or NtSetInformationFile\n");
        return -1;
    }
    return 0;
}

/*
 * The current directory's handle: the RootDirectory of every call relative
 * to the current directory, as Win32 does on Windows for a relative path
 * (RtlDosPathNameToRelativeNtPathName_U hands NtCreateFile the process's
 * current-directory handle and the relative rest of the name).
 */
static HANDLE cwd_handle = INVALID_HANDLE_VALUE;

static int open_current_directory(void)
{
    cwd_handle = CreateFileW(sandbox, FILE_TRAVERSE | FILE_LIST_DIRECTORY | SYNCHRONIZE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                             OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (cwd_handle == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "repro: cannot open %ls: error %lu\n", sandbox, GetLastError());
        return -1;
    }
    return 0;
}

/* NtCreateFile of `name` relative to `root` (NULL: `name` is a \??\ path).
 * *h is INVALID_HANDLE_VALUE when it fails. */
static NTSTATUS nt_open(HANDLE *h, HANDLE root, const wchar_t *name, ACCESS_MASK access,
                        ULONG attributes, ULONG share, ULONG disposition, ULONG options)
{
    NT_UNICODE_STRING object_name;
    NT_OBJECT_ATTRIBUTES object;
    NT_IO_STATUS_BLOCK io;
    object_name.Length = (USHORT)(wcslen(name) * sizeof(wchar_t));
    object_name.MaximumLength = object_name.Length;
    object_name.Buffer = (PWSTR)name;
    memset(&object, 0, sizeof object);
    object.Length = sizeof object;
    object.RootDirectory = root;
    object.ObjectName = &object_name;
    object.Attributes = NT_OBJ_CASE_INSENSITIVE;
    NTSTATUS status = pNtCreateFile(h, access, &object, &io, NULL, attributes, share,
                                    disposition, options, NULL, 0);
    if (!NT_SUCCESS(status))
        *h = INVALID_HANDLE_VALUE;
    return status;
}
)c";

inline constexpr absl::string_view kNtOpenForChange = R"c(
/* An open the way the Win32 helpers (CreateDirectoryW, DeleteFileW,
 * MoveFileExW) make it: synchronous, with `access`. */
static NTSTATUS open_for_change(HANDLE *h, HANDLE root, const wchar_t *name, ACCESS_MASK access,
                                ULONG share, ULONG disposition, ULONG options)
{
    return nt_open(h, root, name, access | SYNCHRONIZE, FILE_ATTRIBUTE_NORMAL, share,
                   disposition, options | FILE_SYNCHRONOUS_IO_NONALERT);
}

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
)c";

inline constexpr absl::string_view kNtSetupOpen = R"c(
/* Setup calls are retried once too, so that a transient failure of the file
 * system under test is not mistaken for a broken setup. */
static int setup_nt_open(HANDLE *h, HANDLE root, const wchar_t *name, ACCESS_MASK access,
                         ULONG attributes, ULONG share, ULONG disposition, ULONG options)
{
    NTSTATUS status = nt_open(h, root, name, access, attributes, share, disposition, options);
    if (!NT_SUCCESS(status))
        status = nt_open(h, root, name, access, attributes, share, disposition, options);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "repro: cannot open %ls: NTSTATUS 0x%08lX\n", name, (unsigned long)status);
        return -1;
    }
    return 0;
}
)c";

inline constexpr absl::string_view kNtMkdir = R"c(
/* mkdir: what CreateDirectoryW asks of NtCreateFile. */
static NTSTATUS nt_mkdir(HANDLE root, const wchar_t *name)
{
    HANDLE h;
    NTSTATUS status = open_for_change(&h, root, name, FILE_LIST_DIRECTORY,
                                      FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_CREATE,
                                      FILE_DIRECTORY_FILE | FILE_OPEN_FOR_BACKUP_INTENT);
    close_handle(&h);
    return status;
}
)c";

inline constexpr absl::string_view kNtStat = R"c(
/* stat: an open for FILE_READ_ATTRIBUTES that shares everything, and a
 * close (not NtQueryAttributesFile, which Wine answers "not found" for a
 * RootDirectory-relative name, as openrace's nt backend found). */
static NTSTATUS nt_stat(HANDLE root, const wchar_t *name)
{
    HANDLE h;
    NTSTATUS status = open_for_change(&h, root, name, FILE_READ_ATTRIBUTES, SHARE_ALL,
                                      FILE_OPEN, FILE_OPEN_FOR_BACKUP_INTENT);
    close_handle(&h);
    return status;
}
)c";

inline constexpr absl::string_view kNtDelete = R"c(
/* delete: an open for DELETE and FileDispositionInformation, as
 * DeleteFileW and RemoveDirectoryW do. */
static NTSTATUS nt_delete(HANDLE root, const wchar_t *name, int directory)
{
    HANDLE h;
    NT_IO_STATUS_BLOCK io;
    BOOLEAN delete_file = TRUE;
    NTSTATUS status = open_for_change(&h, root, name, DELETE, SHARE_ALL, FILE_OPEN,
                                      (directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE) |
                                          FILE_OPEN_FOR_BACKUP_INTENT | FILE_OPEN_REPARSE_POINT);
    if (!NT_SUCCESS(status))
        return status;
    status = pNtSetInformationFile(h, &io, &delete_file, sizeof delete_file,
                                   13 /* FileDispositionInformation */);
    close_handle(&h);
    return status;
}
)c";

inline constexpr absl::string_view kNtRename = R"c(
/* FILE_RENAME_INFORMATION, with room for the new name after it. */
typedef struct {
    BOOLEAN ReplaceIfExists;
    HANDLE RootDirectory; /* the new name is relative to it; NULL: absolute */
    ULONG FileNameLength; /* bytes */
    WCHAR FileName[1];
} NT_FILE_RENAME_INFORMATION;

/* rename: an open for DELETE and FileRenameInformation, replacing an
 * existing target like MoveFileExW(MOVEFILE_REPLACE_EXISTING). */
static NTSTATUS nt_rename(HANDLE root, const wchar_t *name, HANDLE to_root, const wchar_t *to_name)
{
    HANDLE h;
    NT_IO_STATUS_BLOCK io;
    ULONG bytes = (ULONG)(wcslen(to_name) * sizeof(wchar_t));
    ULONG size = (ULONG)sizeof(NT_FILE_RENAME_INFORMATION) + bytes;
    NTSTATUS status = open_for_change(&h, root, name, DELETE, SHARE_ALL, FILE_OPEN,
                                      FILE_OPEN_FOR_BACKUP_INTENT | FILE_OPEN_REPARSE_POINT);
    if (!NT_SUCCESS(status))
        return status;
    NT_FILE_RENAME_INFORMATION *info = calloc(1, size);
    if (info == NULL) {
        close_handle(&h);
        return (NTSTATUS)0xC0000017L; /* STATUS_NO_MEMORY */
    }
    info->ReplaceIfExists = TRUE;
    info->RootDirectory = to_root;
    info->FileNameLength = bytes;
    memcpy(info->FileName, to_name, bytes);
    status = pNtSetInformationFile(h, &io, info, size, 10 /* FileRenameInformation */);
    free(info);
    close_handle(&h);
    return status;
}
)c";

}  // namespace openrace::internal

#endif  // OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_WINDOWS_RUNTIME_H_
