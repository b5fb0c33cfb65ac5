; plumb's Windows installer, built on Linux with makensis (Debian's nsis) by
; scripts/windows-installer.sh. Installs plumb.exe, the policy library and the docs into
; Program Files\plumb and adds that folder to the machine PATH; creates %ProgramData%\plumb
; (the state folder) with an ACL for SYSTEM and Administrators only. Silent with /S. The
; uninstaller removes the program and its PATH entry, and keeps %ProgramData%\plumb (journal,
; reports). Defines: VERSION, SOURCE (the source tree), EXE (plumb.exe), OUTFILE.

; A 64-bit installer: plumb.exe is 64-bit, and so are the nodes (and Wine without wine32).
Target amd64-unicode
!include "LogicLib.nsh"
!include "StrFunc.nsh"
!include "WinMessages.nsh"
${StrStr}
${UnStrRep}

!define ENVIRONMENT "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
!define UNINSTALL "Software\Microsoft\Windows\CurrentVersion\Uninstall\plumb"

Name "plumb ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\plumb"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
ShowInstDetails show

Function .onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "plumb"
  SetOutPath "$INSTDIR"
  File "${EXE}"
  SetOutPath "$INSTDIR\policies"
  File /r "${SOURCE}\policies\*.*"
  SetOutPath "$INSTDIR\docs"
  File "${SOURCE}\README.md"
  File /r "${SOURCE}\docs\*.*"

  ; The state folder: SYSTEM and Administrators, full control, nothing inherited from ProgramData
  ; (which lets Users create files). plumb refuses a state folder that others may change.
  CreateDirectory "$APPDATA\plumb"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$APPDATA\plumb" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F'
  Pop $0
  ${If} $0 != 0
    DetailPrint "icacls could not set the ACL of $APPDATA\plumb (exit code $0)"
  ${EndIf}

  ; The machine PATH, once.
  ReadRegStr $0 HKLM "${ENVIRONMENT}" "Path"
  ${StrStr} $1 "$0;" "$INSTDIR;"
  ${If} $1 == ""
    ${If} $0 == ""
      WriteRegExpandStr HKLM "${ENVIRONMENT}" "Path" "$INSTDIR"
    ${Else}
      WriteRegExpandStr HKLM "${ENVIRONMENT}" "Path" "$0;$INSTDIR"
    ${EndIf}
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${UNINSTALL}" "DisplayName" "plumb"
  WriteRegStr HKLM "${UNINSTALL}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL}" "Publisher" "the plumb developers"
  WriteRegStr HKLM "${UNINSTALL}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\plumb.exe"
  RMDir /r "$INSTDIR\policies"
  RMDir /r "$INSTDIR\docs"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  ReadRegStr $0 HKLM "${ENVIRONMENT}" "Path"
  ${UnStrRep} $0 "$0" ";$INSTDIR" ""
  ${UnStrRep} $0 "$0" "$INSTDIR;" ""
  ${UnStrRep} $0 "$0" "$INSTDIR" ""
  WriteRegExpandStr HKLM "${ENVIRONMENT}" "Path" "$0"
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000

  DeleteRegKey HKLM "${UNINSTALL}"
  ; %ProgramData%\plumb stays: it holds the journal and the run reports.
SectionEnd
