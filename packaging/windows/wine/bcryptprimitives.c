/*
 * TEST-ONLY shim for Wine 8, never shipped in the installer: Wine 8 has no bcryptprimitives.dll, whose ProcessPrng
 * the Rust core of `cryptography` imports, so the module cannot load there. This DLL provides ProcessPrng by calling
 * BCryptGenRandom with the system RNG (what ProcessPrng is on Windows 10/11). tests/packaging/test_windows_installer.py
 * builds it with mingw-w64 and copies it into the test's Wine prefix (windows/system32).
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
