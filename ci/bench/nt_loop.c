/* nt_loop.c — the plain C baseline for ci/bench_windows.sh: NtCreateFile of
 * one file relative to a RootDirectory handle, then NtClose, in a loop, with
 * the same arguments as the nt backend's open of `cwd:f` (GENERIC_READ,
 * FILE_SHARE_READ|FILE_SHARE_WRITE, FILE_OPEN, no options, RootDirectory =
 * the directory's handle), so the ratio is the executor's own cost.
 *
 *   nt_loop.exe DIR [SECONDS [REPETITIONS]]   (default 2 seconds, 5)
 * Makes DIR\nt-loop\f, times the loop in repetitions, prints one line per
 * repetition and then `median <calls per second> calls/s`, removes what it
 * made. ntdll's functions are looked up at run time, as in backend_nt.cc.
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef LONG NtStatus;
typedef struct {
  USHORT length, maximum_length;
  PWSTR buffer;
} NtUnicodeString;
typedef struct {
  ULONG length;
  HANDLE root_directory;
  NtUnicodeString* object_name;
  ULONG attributes;
  PVOID security_descriptor, security_quality_of_service;
} NtObjectAttributes;
typedef struct {
  union {
    NtStatus status;
    PVOID pointer;
  } u;
  ULONG_PTR information;
} NtIoStatusBlock;
typedef NtStatus(NTAPI* NtCreateFileFn)(PHANDLE, ACCESS_MASK,
                                        NtObjectAttributes*, NtIoStatusBlock*,
                                        PLARGE_INTEGER, ULONG, ULONG, ULONG,
                                        ULONG, PVOID, ULONG);
typedef NtStatus(NTAPI* NtCloseFn)(HANDLE);

#define OBJ_CASE_INSENSITIVE_ 0x40
#define FILE_OPEN_ 1

static int compare(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: nt_loop DIR [SECONDS [REPETITIONS]]\n");
    return 2;
  }
  const double seconds = argc > 2 ? atof(argv[2]) : 2.0;
  const int repetitions = argc > 3 ? atoi(argv[3]) : 5;
  if (seconds <= 0 || repetitions <= 0 || repetitions > 100) {
    fprintf(stderr, "nt_loop: SECONDS must be positive, REPETITIONS 1..100\n");
    return 2;
  }
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  NtCreateFileFn nt_create_file =
      (NtCreateFileFn)(void*)GetProcAddress(ntdll, "NtCreateFile");
  NtCloseFn nt_close = (NtCloseFn)(void*)GetProcAddress(ntdll, "NtClose");
  if (nt_create_file == NULL || nt_close == NULL) {
    fprintf(stderr, "nt_loop: ntdll.dll lacks NtCreateFile or NtClose\n");
    return 2;
  }

  char dir[MAX_PATH], file[MAX_PATH];
  snprintf(dir, sizeof dir, "%s\\nt-loop", argv[1]);
  snprintf(file, sizeof file, "%s\\f", dir);
  if (!CreateDirectoryA(dir, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) {
    fprintf(stderr, "nt_loop: cannot make %s (error %lu)\n", dir, GetLastError());
    return 2;
  }
  HANDLE f = CreateFileA(file, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  if (f == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "nt_loop: cannot make %s (error %lu)\n", file, GetLastError());
    return 2;
  }
  CloseHandle(f);
  HANDLE root = CreateFileA(dir, FILE_TRAVERSE | FILE_LIST_DIRECTORY | SYNCHRONIZE,
                            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                            NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
  if (root == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "nt_loop: cannot open %s (error %lu)\n", dir, GetLastError());
    return 2;
  }

  wchar_t name_text[] = L"f";
  NtUnicodeString name = {sizeof name_text - sizeof(wchar_t),
                          sizeof name_text - sizeof(wchar_t), name_text};
  NtObjectAttributes attributes = {sizeof attributes, root, &name,
                                   OBJ_CASE_INSENSITIVE_, NULL, NULL};
  LARGE_INTEGER frequency, start, now;
  QueryPerformanceFrequency(&frequency);
  double rates[100];
  int status = 0;
  for (int r = 0; r < repetitions && status == 0; ++r) {
    unsigned long long calls = 0;
    double elapsed = 0;
    QueryPerformanceCounter(&start);
    do {
      /* Check the clock every 64 calls, as the executor's round has 64. */
      for (int i = 0; i < 64; ++i) {
        HANDLE h = NULL;
        NtIoStatusBlock io;
        memset(&io, 0, sizeof io);
        const NtStatus s = nt_create_file(
            &h, GENERIC_READ, &attributes, &io, NULL, FILE_ATTRIBUTE_NORMAL,
            FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_, 0, NULL, 0);
        if (s < 0) {
          fprintf(stderr, "nt_loop: NtCreateFile: NTSTATUS 0x%08lX\n",
                  (unsigned long)s);
          status = 1;
          break;
        }
        nt_close(h);
        ++calls;
      }
      QueryPerformanceCounter(&now);
      elapsed = (double)(now.QuadPart - start.QuadPart) / frequency.QuadPart;
    } while (status == 0 && elapsed < seconds);
    if (status != 0) break;
    rates[r] = calls / elapsed;
    printf("repetition %d: %llu calls in %.2fs, %.0f calls/s\n", r + 1, calls,
           elapsed, rates[r]);
  }
  CloseHandle(root);
  DeleteFileA(file);
  RemoveDirectoryA(dir);
  if (status != 0) return status;
  qsort(rates, (size_t)repetitions, sizeof rates[0], compare);
  printf("median %.0f calls/s\n", rates[(repetitions - 1) / 2]);
  return 0;
}
