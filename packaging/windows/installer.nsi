; CDS Desktop's Windows installer (NSIS 3, 64-bit Unicode stub). build.sh runs:
;   makensis -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DSTAGE=<staged folder> -DOUTFILE=<setup.exe> installer.nsi
;
; Behaviour (packaging/README.md, "Windows"):
; - per-user by default in %LOCALAPPDATA%\Programs\CDS Desktop, no administrator rights; /AllUsers installs for every
;   user in %ProgramFiles%\CDS Desktop (administrator); /S silent; /D=<folder> chooses the folder (last argument);
; - an upgrade installs into the folder of the installed copy and replaces runtime\ as a whole, so no file of the older
;   version stays; the data folder (%LOCALAPPDATA%\CDS Desktop, or the one chosen in the app) is never touched;
; - Start-menu shortcuts: the app (no console) and a command prompt where `cds` works;
; - Add/Remove Programs entry; .cdsb opens in the app with its icon; the previous .cdsb handler is restored on
;   uninstall; the uninstaller removes exactly what was installed and every key written, and keeps the user's data.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
SetCompressorDictSize 32
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif

!define APP "CDS Desktop"
!define PUBLISHER "CDS Desktop project"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\CDSDesktop"
!define PROGID "CDSDesktop.Bundle"
!define EXT ".cdsb"
!define PREVIOUS_HANDLER "PreviousCdsbHandler"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
BrandingText "${APP} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VERSION4}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP} ${VERSION} Setup"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "GPL-3.0-or-later"

!define MUI_ICON "${STAGE}\cds-desktop.ico"
!define MUI_UNICON "${STAGE}\cds-desktop.ico"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_FINISHPAGE_RUN "$INSTDIR\cds-desktop.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default one.
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

LangString NeedsAdmin ${LANG_VIETNAMESE} "Cài đặt cho mọi người dùng (/AllUsers) cần quyền quản trị. Hãy chạy lại bằng quyền quản trị, hoặc cài đặt không kèm /AllUsers để cài cho riêng bạn."
LangString NeedsAdmin ${LANG_ENGLISH} "Installing for all users (/AllUsers) needs administrator rights. Run the setup again as an administrator, or without /AllUsers to install for yourself only."
LangString Needs64Bit ${LANG_VIETNAMESE} "CDS Desktop cần Windows 10 hoặc 11 bản 64-bit."
LangString Needs64Bit ${LANG_ENGLISH} "CDS Desktop needs 64-bit Windows 10 or 11."
LangString CommandLineName ${LANG_VIETNAMESE} "CDS Desktop - dòng lệnh (cds)"
LangString CommandLineName ${LANG_ENGLISH} "CDS Desktop - command line (cds)"
LangString BundleTypeName ${LANG_VIETNAMESE} "Gói báo cáo CDS"
LangString BundleTypeName ${LANG_ENGLISH} "CDS report bundle"

Var AllUsers   ; 1 for a machine-wide install (HKLM, Program Files), 0 per user (HKCU, LocalAppData)

; SHCTX, $SMPROGRAMS follow SetShellVarContext: HKLM and the common Start menu for all users, else HKCU and the user's.
!macro SelectScope ALL
  ${If} ${ALL} == 1
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
!macroend

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(Needs64Bit)" /SD IDOK
    Abort
  ${EndIf}
  ${IfNot} ${Silent}
    !insertmacro MUI_LANGDLL_DISPLAY
  ${EndIf}
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/AllUsers" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
    UserInfo::GetAccountType
    Pop $R2
    ${If} $R2 != "Admin"
      MessageBox MB_ICONSTOP "$(NeedsAdmin)" /SD IDOK
      SetErrorLevel 740 ; ERROR_ELEVATION_REQUIRED
      Quit
    ${EndIf}
  ${EndIf}
  !insertmacro SelectScope $AllUsers
  ${If} $INSTDIR == ""  ; no /D=: the installed copy's folder (an upgrade), else the default one
    ReadRegStr $INSTDIR SHCTX "${UNINSTALL_KEY}" "InstallLocation"
  ${EndIf}
  ${If} $INSTDIR == ""
    ${If} $AllUsers == 1
      StrCpy $INSTDIR "$PROGRAMFILES64\${APP}"
    ${Else}
      StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${APP}"
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "Install"
  SetOutPath "$INSTDIR"
  ; An upgrade: the old runtime goes as a whole (no stale module of an older version can be imported).
  RMDir /r "$INSTDIR\runtime"
  File "${STAGE}\cds-desktop.exe"
  File "${STAGE}\cds.exe"
  File "${STAGE}\cds-desktop.ico"
  File /r "${STAGE}\runtime"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Start menu
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\cds-desktop.exe" "" "$INSTDIR\cds-desktop.ico" 0
  CreateShortcut "$SMPROGRAMS\${APP}\$(CommandLineName).lnk" "$SYSDIR\cmd.exe" \
    '/k "set "PATH=$INSTDIR;%PATH%" && cds --help"' "$INSTDIR\cds-desktop.ico" 0
  ; the shortcut's name depends on the language chosen: remembered for the uninstaller
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "CommandLineShortcut" "$SMPROGRAMS\${APP}\$(CommandLineName).lnk"

  ; .cdsb: the previous handler is kept once (an upgrade must not record our own ProgID as the previous one)
  ReadRegStr $R0 SHCTX "Software\Classes\${EXT}" ""
  ${If} $R0 != ""
  ${AndIf} $R0 != "${PROGID}"
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "${PREVIOUS_HANDLER}" $R0
  ${EndIf}
  WriteRegStr SHCTX "Software\Classes\${EXT}" "" "${PROGID}"
  WriteRegStr SHCTX "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr SHCTX "Software\Classes\${PROGID}" "" "$(BundleTypeName)"
  WriteRegStr SHCTX "Software\Classes\${PROGID}\DefaultIcon" "" '"$INSTDIR\cds-desktop.ico",0'
  WriteRegStr SHCTX "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\cds-desktop.exe" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  ; Add/Remove Programs
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\cds-desktop.exe,0"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  ${If} $AllUsers == 1
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /AllUsers'
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /AllUsers /S'
  ${Else}
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
    WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  ${EndIf}
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $R1 $R2 $R3
  IntFmt $R1 "0x%08X" $R1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" $R1
SectionEnd

Function un.onInit
  ; The uninstaller runs with the scope of the install: /AllUsers is in the uninstall strings of a machine install,
  ; and a machine install is also recognised without it (uninstall.exe started from Explorer) by its HKLM entry.
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/AllUsers" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ReadRegStr $R2 HKLM "${UNINSTALL_KEY}" "InstallLocation"
  ${If} $R2 == $INSTDIR
    StrCpy $AllUsers 1
  ${EndIf}
  !insertmacro SelectScope $AllUsers
FunctionEnd

Section "Uninstall"
  ; Program files: exactly what the installer wrote (runtime\ is ours as a whole). The folder itself only if empty,
  ; so that nothing else a user may have put there (or a /D= folder shared with other files) is removed.
  RMDir /r "$INSTDIR\runtime"
  Delete "$INSTDIR\cds-desktop.exe"
  Delete "$INSTDIR\cds.exe"
  Delete "$INSTDIR\cds-desktop.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  Delete "$SMPROGRAMS\${APP}\${APP}.lnk"
  ReadRegStr $R0 SHCTX "${UNINSTALL_KEY}" "CommandLineShortcut"
  ${If} $R0 != ""
    Delete $R0
  ${EndIf}
  RMDir "$SMPROGRAMS\${APP}"

  ; .cdsb: give it back to the handler it had before, when it is still ours
  ReadRegStr $R0 SHCTX "Software\Classes\${EXT}" ""
  ${If} $R0 == "${PROGID}"
    ReadRegStr $R1 SHCTX "${UNINSTALL_KEY}" "${PREVIOUS_HANDLER}"
    ${If} $R1 != ""
      WriteRegStr SHCTX "Software\Classes\${EXT}" "" $R1
    ${Else}
      DeleteRegValue SHCTX "Software\Classes\${EXT}" ""
    ${EndIf}
  ${EndIf}
  DeleteRegValue SHCTX "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty SHCTX "Software\Classes\${EXT}\OpenWithProgids"
  DeleteRegKey /ifempty SHCTX "Software\Classes\${EXT}"
  DeleteRegKey SHCTX "Software\Classes\${PROGID}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
SectionEnd
