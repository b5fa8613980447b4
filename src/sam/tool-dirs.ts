// Folders that tools keep inside a SAM project (build output, deploy state, VCS). A function whose
// CodeUri is the project folder itself (`.`, or no CodeUri at all) must not package them: they are
// not code, they grow with every deploy, and the build output would be copied into itself.
export const TOOL_DIRS: ReadonlySet<string> = new Set(['.nimbus-sam', '.aws-sam', '.git']);
