using System.Text.RegularExpressions;

namespace TransferGen.Tests.Architecture;

/// <summary>A library source file: its path relative to the library's folder (with '/') and its text.</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>
/// What the library's source files say they use: <c>using</c> directives (also <c>using static</c>, aliases and
/// <c>global using</c>), fully qualified <c>TransferGen.X</c> names in code, and <c>cref</c>s in doc comments. Unlike
/// the compiled assembly, the source also shows an unused <c>using</c>, which leaves no trace in IL. Partly qualified
/// names in code (<c>Transfer.RunBackbone</c> inside TransferGen.Models) are left to the reflection check: telling them
/// from a property or local of the same name needs the compiler.
/// </summary>
public static partial class SourceDependencies
{
    /// <summary>Every .cs file of the library project under <paramref name="libraryDir"/>, without bin/ and obj/.</summary>
    public static IReadOnlyList<SourceFile> Read(string libraryDir) =>
        Directory.EnumerateFiles(libraryDir, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(libraryDir, f).Replace('\\', '/'))
            .Where(rel => !rel.StartsWith("bin/", StringComparison.Ordinal) && !rel.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(rel => new SourceFile(rel, File.ReadAllText(Path.Combine(libraryDir, rel))))
            .ToList();

    /// <summary>The library's folder, src/TransferGen, found by walking up from the test assembly to TransferGen.sln.</summary>
    public static string LibraryDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TransferGen.sln")))
                return Path.Combine(dir.FullName, "src", "TransferGen");
        throw new InvalidOperationException($"no TransferGen.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>One message per layer violation in <paramref name="files"/> (none when the layers hold).</summary>
    public static IReadOnlyList<string> Violations(IReadOnlyList<SourceFile> files)
    {
        var parsed = files.Select(f => (File: f, Text: CSharpText.Split(f.Text))).ToList();
        var declared = parsed.SelectMany(p => DeclaredNamespaces(p.Text.Code)).ToHashSet(StringComparer.Ordinal);
        var messages = new List<string>();
        foreach (var (file, (code, comments)) in parsed)
        {
            var lines = file.Text.Split('\n');
            var fileNamespaces = DeclaredNamespaces(code).Distinct().ToList();
            var folderNamespace = FolderNamespace(file.Path);
            var ns = fileNamespaces.FirstOrDefault() ?? folderNamespace;
            foreach (var other in fileNamespaces.Where(n => Layers.LayerOf(n) != Layers.LayerOf(folderNamespace)))
                messages.Add($"{file.Path}: declares namespace {other}, but its folder makes it {folderNamespace} (folders are namespaces)");
            var layer = Layers.LayerOf(ns) ?? Layers.LayerOf(folderNamespace)!;
            if (!Layers.IsKnown(layer))
                messages.Add($"{file.Path}: namespace {ns} belongs to layer '{layer}', which is not in the layer table (add it to Tests/Architecture/Layers.cs)");

            void Check(int line, string referenced, string what, string? asLayer = null)
            {
                var target = LayerOfMention(referenced, declared);
                var from = asLayer ?? layer;
                if (Layers.Violation(from, target) is { } why)
                    messages.Add($"{file.Path}:{line + 1}: {what} ({lines[line].Trim()}) references {Layers.NamespaceOf(target)}: {why}");
            }

            var codeLines = code.Split('\n');
            for (var line = 0; line < codeLines.Length; line++)
            {
                var text = codeLines[line];
                if (NamespaceLine().IsMatch(text)) continue;
                var directive = UsingDirective().Match(text);
                if (directive.Success)
                {
                    var isGlobal = directive.Groups["global"].Success;
                    // A global using reaches every file of the project, the root namespace's included.
                    Check(line, directive.Groups["name"].Value, isGlobal ? "global using (applies to every file)" : "using",
                        isGlobal ? Layers.Root : null);
                    continue;
                }
                foreach (Match m in QualifiedName().Matches(text))
                    Check(line, m.Groups["name"].Value, "fully qualified name");
            }

            var commentLines = comments.Split('\n');
            for (var line = 0; line < commentLines.Length; line++)
                foreach (Match m in Cref().Matches(commentLines[line]))
                    if (ResolveCref(m.Groups["name"].Value, ns, declared) is { } target)
                        Check(line, target, "doc comment cref");
        }
        return messages;
    }

    /// <summary>The namespace a file's folder gives it: TransferGen plus the folders below src/TransferGen.</summary>
    public static string FolderNamespace(string relativePath)
    {
        var dir = Path.GetDirectoryName(relativePath)?.Replace('\\', '/') ?? "";
        return dir.Length == 0 ? Layers.Root : $"{Layers.Root}.{dir.Replace('/', '.')}";
    }

    static IEnumerable<string> DeclaredNamespaces(string code) =>
        NamespaceLine().Matches(code).Select(m => m.Groups["name"].Value);

    /// <summary>
    /// The layer a mention of <c>TransferGen.X...</c> points into: X when it is a layer or a namespace of the library,
    /// else the root (X is then a type of the root namespace, such as TransferGen.InputException).
    /// </summary>
    static string LayerOfMention(string qualified, HashSet<string> declared)
    {
        var layer = Layers.LayerOf(qualified)!;
        return Layers.IsKnown(layer) || declared.Contains(Layers.NamespaceOf(layer)) ? layer : Layers.Root;
    }

    /// <summary>
    /// The library name a cref written in namespace <paramref name="ns"/> starts with, when its first part names a
    /// namespace: searched from <paramref name="ns"/> outwards as the compiler does (in TransferGen.Models,
    /// <c>Transfer.RunBackbone</c> is TransferGen.Transfer.RunBackbone). Null for crefs to types by simple name.
    /// </summary>
    static string? ResolveCref(string cref, string ns, HashSet<string> declared)
    {
        if (cref.StartsWith(Layers.Root + ".", StringComparison.Ordinal)) return cref;
        var first = cref.Split('.')[0];
        if (first == cref) return null;
        for (var scope = ns; scope.Length > 0; scope = scope.Contains('.', StringComparison.Ordinal) ? scope[..scope.LastIndexOf('.')] : "")
            if (declared.Contains($"{scope}.{first}")) return $"{scope}.{cref}";
        return null;
    }

    [GeneratedRegex(@"^\s*namespace\s+(?<name>[\w.]+)")]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(?<global>global\s+)?using\s+(static\s+)?(\w+\s*=\s*)?(global::)?(?<name>TransferGen(\.\w+)*)\s*;")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])(global::)?(?<name>TransferGen\.\w+(\.\w+)*)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"cref\s*=\s*""([A-Z]:)?(global::)?(?<name>[\w.]+)")]
    private static partial Regex Cref();
}
