using System.Text.Json;
using TransferGen.IO;

namespace TransferGen.Data;

/// <summary>
/// <c>ROOT/classes.json</c> of an image folder: the class names in label order and the folder each is stored in. Class
/// names need not be valid folder names ("T-shirt/top") and folders sort alphabetically, so a folder written from a
/// labelled source (generated images) carries this file and reads back with the source's exact names and labels.
/// </summary>
public static class ClassNamesFile
{
    /// <summary>The file name in an image folder's root.</summary>
    public const string FileName = "classes.json";

    /// <summary>What the file holds.</summary>
    /// <param name="Classes">Class names, indexed by label.</param>
    /// <param name="Folders">The folder of each class, in the same order.</param>
    public sealed record Contents(IReadOnlyList<string> Classes, IReadOnlyList<string> Folders);

    /// <summary>
    /// The folder name class <paramref name="name"/> is stored in: characters not allowed in file names (and '\') become
    /// '_', and a name that is empty or starts with a dot (hidden) gets a leading '_'.
    /// </summary>
    public static string FolderName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(name.Select(ch => invalid.Contains(ch) || ch == '\\' ? '_' : ch).ToArray()).Trim();
        return safe.Length == 0 || safe.StartsWith('.') ? "_" + safe : safe;
    }

    /// <summary>Writes the file for <paramref name="classes"/> (folders from <see cref="FolderName"/>) into <paramref name="root"/>, atomically.</summary>
    public static void Write(string root, IReadOnlyList<string> classes)
    {
        var folders = classes.Select(FolderName).ToList();
        if (folders.Distinct(StringComparer.Ordinal).Count() != folders.Count)
            throw new InputException($"{root}: two class names map to the same folder name ({string.Join(", ", classes)}); rename the classes.");
        AtomicFile.WriteAllText(Path.Combine(root, FileName), JsonSerializer.Serialize(new Contents(classes, folders), JsonDefaults.Options));
    }

    /// <summary>The file in <paramref name="root"/>, or null when there is none; an <see cref="InputException"/> naming it when it is malformed.</summary>
    public static Contents? Read(string root)
    {
        var path = Path.Combine(root, FileName);
        if (!File.Exists(path)) return null;
        Contents? contents;
        try
        {
            contents = JsonSerializer.Deserialize<Contents>(File.ReadAllText(path), JsonDefaults.Options);
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not a valid class list ({e.Message}).", e);
        }
        if (contents?.Classes is not { Count: > 0 } classes || contents.Folders is not { } folders || folders.Count != classes.Count
            || folders.Distinct(StringComparer.Ordinal).Count() != folders.Count || classes.Distinct(StringComparer.Ordinal).Count() != classes.Count)
            throw new InputException($"{path}: needs as many distinct \"classes\" as distinct \"folders\", in label order.");
        return contents;
    }
}
