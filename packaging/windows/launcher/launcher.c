/*
 * The two Windows launchers of CDS Desktop, compiled by build.sh with mingw-w64:
 *   cds-desktop.exe  (GUI subsystem, -DCDS_GUI): runtime\pythonw.exe, cds_desktop.app:main(<arguments>)
 *   cds.exe          (console subsystem):        runtime\python.exe,  cds_desktop.cli:main(<arguments>)
 * (the entry points of pyproject.toml, run with -c "import sys; from <module> import main; sys.exit(main())").
 * -X utf8: text written to a file or a pipe is UTF-8 (Vietnamese), not the ANSI code page.
 *
 * Why a launcher and not python.exe itself: the Start menu, the taskbar, Explorer's .cdsb association and Add/Remove
 * Programs show the program's own name, icon and version resource (launcher.rc), and the command line a user types
 * is `cds ...`. Why a child process and not Python embedded in this process: sys.executable stays python(w).exe, so
 * multiprocessing (the office demo's workers) starts real interpreters.
 *
 * The arguments are passed on unchanged (the rest of this process's command line after its own name). The child is
 * put in a job object that ends it when the launcher ends; the console launcher ignores Ctrl+C itself and lets the
 * child handle it; the exit code is the child's.
 *
 * The GUI launcher keeps what the interpreter writes to stderr in %TEMP%\cds-desktop-start.log: when the app ends
 * with an error before its own crash handler runs (a missing or damaged file of the installation), that text is
 * shown in a message box instead of being lost with pythonw's hidden console.
 */
#define WIN32_LEAN_AND_MEAN
#ifndef UNICODE
#define UNICODE
#endif
#ifndef _UNICODE
#define _UNICODE
#endif
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#ifdef CDS_GUI
#define INTERPRETER L"pythonw.exe"
#define MODULE L"cds_desktop.app"
#else
#define INTERPRETER L"python.exe"
#define MODULE L"cds_desktop.cli"
#endif

#define START_LOG L"cds-desktop-start.log"

static void report(const wchar_t *text)
{
#ifdef CDS_GUI
    MessageBoxW(NULL, text, L"CDS Desktop", MB_OK | MB_ICONERROR);
#else
    fwprintf(stderr, L"%ls\n", text);
#endif
}

/* The command line after the program's own name, as CommandLineToArgvW splits it (argv[0] has no escapes). */
static const wchar_t *arguments_after_program_name(const wchar_t *line)
{
    if (*line == L'"') {
        line++;
        while (*line && *line != L'"')
            line++;
        if (*line == L'"')
            line++;
    } else {
        while (*line && *line != L' ' && *line != L'\t')
            line++;
    }
    while (*line == L' ' || *line == L'\t')
        line++;
    return line;
}

/* The folder of this executable, without the trailing backslash. */
static BOOL program_folder(wchar_t *folder, DWORD size)
{
    DWORD length = GetModuleFileNameW(NULL, folder, size);
    if (length == 0 || length >= size)
        return FALSE;
    wchar_t *slash = wcsrchr(folder, L'\\');
    if (!slash)
        return FALSE;
    *slash = L'\0';
    return TRUE;
}

#ifdef CDS_GUI
static HANDLE open_start_log(wchar_t *path, DWORD size)
{
    SECURITY_ATTRIBUTES inherit;
    inherit.nLength = sizeof inherit;
    inherit.lpSecurityDescriptor = NULL;
    inherit.bInheritHandle = TRUE;
    DWORD length = GetTempPathW(size, path);
    if (length == 0 || length + wcslen(START_LOG) + 1 > size)
        return INVALID_HANDLE_VALUE;
    wcscat(path, START_LOG);
    return CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, &inherit, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* Show the end of the start log when the app failed and wrote something there. */
static void show_start_log(const wchar_t *path, DWORD exit_code)
{
    char bytes[3000];
    DWORD read = 0;
    HANDLE log = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (log == INVALID_HANDLE_VALUE)
        return;
    LARGE_INTEGER size;
    if (GetFileSizeEx(log, &size) && size.QuadPart > (LONGLONG)sizeof bytes - 1) {
        LARGE_INTEGER tail;
        tail.QuadPart = size.QuadPart - (LONGLONG)(sizeof bytes - 1);
        SetFilePointerEx(log, tail, NULL, FILE_BEGIN);
    }
    ReadFile(log, bytes, sizeof bytes - 1, &read, NULL);
    CloseHandle(log);
    if (read == 0)
        return;
    bytes[read] = '\0';
    wchar_t text[4096];
    int written = swprintf(text, 4096,
                           L"CDS Desktop không khởi động được (mã %lu). Chi tiết trong tệp:\n"
                           L"CDS Desktop could not start (code %lu). Details are in:\n%ls\n\n",
                           exit_code, exit_code, path);
    if (written > 0)
        MultiByteToWideChar(CP_UTF8, 0, bytes, -1, text + written, 4096 - written);
    report(text);
}
#endif

#ifndef CDS_GUI
static HANDLE inheritable(HANDLE handle)
{
    if (handle != NULL && handle != INVALID_HANDLE_VALUE)
        SetHandleInformation(handle, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    return handle;
}
#endif

static int run(void)
{
    wchar_t folder[MAX_PATH * 2];
    if (!program_folder(folder, sizeof folder / sizeof *folder)) {
        report(L"CDS Desktop: không tìm thấy thư mục chương trình / cannot find the program folder.");
        return 3;
    }
    const wchar_t *arguments = arguments_after_program_name(GetCommandLineW());
    size_t size = wcslen(folder) + wcslen(arguments) + 128;
    wchar_t *interpreter = malloc((wcslen(folder) + 64) * sizeof *interpreter);
    wchar_t *command = malloc(size * sizeof *command);
    if (!interpreter || !command)
        return 3;
    swprintf(interpreter, wcslen(folder) + 64, L"%ls\\runtime\\%ls", folder, INTERPRETER);
    swprintf(command, size, L"\"%ls\" -X utf8 -c \"import sys; from %ls import main; sys.exit(main())\" %ls", interpreter,
             MODULE, arguments);

    STARTUPINFOW startup;
    ZeroMemory(&startup, sizeof startup);
    startup.cb = sizeof startup;
    PROCESS_INFORMATION child;
    BOOL inherit = FALSE;
#ifdef CDS_GUI
    wchar_t log_path[MAX_PATH + 1];
    HANDLE log = open_start_log(log_path, MAX_PATH + 1 - 1);
    if (log != INVALID_HANDLE_VALUE) {
        startup.dwFlags = STARTF_USESTDHANDLES;
        startup.hStdInput = NULL;
        startup.hStdOutput = NULL;
        startup.hStdError = log;
        inherit = TRUE;
    }
#else
    /* The child writes where this process writes (a console, a file, a pipe): its handles are passed on. */
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = inheritable(GetStdHandle(STD_INPUT_HANDLE));
    startup.hStdOutput = inheritable(GetStdHandle(STD_OUTPUT_HANDLE));
    startup.hStdError = inheritable(GetStdHandle(STD_ERROR_HANDLE));
    inherit = TRUE;
    SetConsoleCtrlHandler(NULL, TRUE); /* Ctrl+C reaches the child, which decides; the launcher waits */
#endif
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (job) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
        ZeroMemory(&limits, sizeof limits);
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_BREAKAWAY_OK;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    }
    if (!CreateProcessW(interpreter, command, NULL, NULL, inherit, CREATE_SUSPENDED, NULL, NULL, &startup, &child)) {
        wchar_t text[MAX_PATH * 3];
        swprintf(text, sizeof text / sizeof *text,
                 L"CDS Desktop: không chạy được %ls (lỗi %lu). Hãy cài đặt lại chương trình.\n"
                 L"CDS Desktop: cannot run %ls (error %lu). Please reinstall the program.",
                 interpreter, GetLastError(), interpreter, GetLastError());
        report(text);
        return 3;
    }
    if (job)
        AssignProcessToJobObject(job, child.hProcess);
    ResumeThread(child.hThread);
    CloseHandle(child.hThread);
    WaitForSingleObject(child.hProcess, INFINITE);
    DWORD exit_code = 1;
    GetExitCodeProcess(child.hProcess, &exit_code);
    CloseHandle(child.hProcess);
#ifdef CDS_GUI
    if (log != INVALID_HANDLE_VALUE) {
        CloseHandle(log);
        if (exit_code != 0)
            show_start_log(log_path, exit_code);
    }
#endif
    return (int)exit_code;
}

#ifdef CDS_GUI
int WINAPI wWinMain(HINSTANCE instance, HINSTANCE previous, PWSTR line, int show)
{
    (void)instance;
    (void)previous;
    (void)line;
    (void)show;
    return run();
}
#else
int wmain(void)
{
    return run();
}
#endif
