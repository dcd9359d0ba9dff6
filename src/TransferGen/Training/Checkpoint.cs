using System.Text;
using System.Text.Json;
using TorchSharp.Modules;
using TransferGen.IO;
using static TorchSharp.torch;

namespace TransferGen.Training;

/// <summary>
/// Everything a resume needs, for every kind of run, in one file (<c>RUN/checkpoint.pt</c>) written atomically, so
/// a kill at any moment leaves either the previous checkpoint or the new one: the context's named modules (TorchSharp
/// state dicts, buffers included) and optimisers (their state and the phase they belong to), LibTorch's global and the
/// context's named random generators, the loop's position (also mid-epoch, after a cancel), its history, and the
/// state of every <see cref="ICheckpointedCallback"/>.
/// </summary>
/// <remarks>
/// Layout: a magic line, the tensor sections one after another, the <see cref="CheckpointState"/> as UTF-8 JSON
/// (which indexes the sections), then a 24-byte trailer (the JSON's offset and length, and a second magic). Reading
/// the state touches only the trailer and the JSON; a section is read by seeking to it.
/// </remarks>
public sealed class Checkpoint
{
    /// <summary>The file name inside a run folder.</summary>
    public const string FileName = "checkpoint.pt";

    static readonly byte[] Magic = Encoding.ASCII.GetBytes("TransferGen checkpoint 2\n");
    static readonly byte[] TrailerMagic = Encoding.ASCII.GetBytes("TGCKPT02");
    const int TrailerLength = 24;

    Checkpoint(string path, CheckpointState state)
    {
        Path = path;
        State = state;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>What the file says about the run.</summary>
    public CheckpointState State { get; }

    /// <summary>
    /// Writes the checkpoint of <paramref name="context"/> to <paramref name="path"/> atomically: at an epoch boundary
    /// (<paramref name="midEpoch"/> false: <see cref="TrainingContext.Epoch"/> is finished, its figures are the last of
    /// <paramref name="history"/>) or after a cancelled batch (the epoch continues at <see cref="TrainingContext.BatchIndex"/>).
    /// </summary>
    public static void Write(string path, TrainingContext context, string kind, IReadOnlyList<Dictionary<string, double>> history, bool midEpoch)
    {
        var sections = new List<CheckpointSection>();
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            foreach (var (name, module) in context.Modules)
                sections.Add(Section(stream, writer, name, "module", null, () => module.save(writer)));
            foreach (var named in context.Optimizers)
                sections.Add(Section(stream, writer, named.Name, "optimizer", context.Phase?.Name, () => Helper(named.Optimizer).save_state_dict(writer)));
            var state = new CheckpointState
            {
                Kind = kind,
                EpochsCompleted = midEpoch ? context.Epoch : context.Epoch + 1,
                BatchesDone = midEpoch ? context.BatchIndex : 0,
                GlobalStep = context.GlobalStep,
                Phase = context.Phase?.Name,
                History = history.Select(h => new Dictionary<string, double>(h)).ToList(),
                StepSums = midEpoch ? new Dictionary<string, double>(context.StepSums) : [],
                StepCount = midEpoch ? context.StepCount : 0,
                Seconds = context.Seconds,
                Rng = CaptureRng(),
                Generators = context.Generators.ToDictionary(g => g.Name, g => Capture(g.Generator)),
                Callbacks = context.Callbacks.OfType<ICheckpointedCallback>().ToDictionary(c => c.StateKey, c => c.SaveState()),
                Written = DateTime.UtcNow.ToString("O"),
                Sections = sections,
            };
            writer.Flush();
            var json = JsonSerializer.SerializeToUtf8Bytes(state, RunFolder.Json);
            var offset = stream.Position;
            stream.Write(json);
            writer.Write(offset);
            writer.Write((long)json.Length);
            writer.Flush();
            stream.Write(TrailerMagic);
        });
    }

    /// <summary>
    /// The checkpoint at <paramref name="path"/>; null when there is none. A file in an older or unknown format is an
    /// <see cref="InputException"/> naming it.
    /// </summary>
    public static Checkpoint? Open(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            var head = new byte[Magic.Length];
            if (stream.Length < Magic.Length + TrailerLength || stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) != head.Length
                || !head.AsSpan().SequenceEqual(Magic))
                throw new InputException($"{path} is not a checkpoint of this TransferGen version (it was written by an older one, or is not a checkpoint); " +
                                         "start the run again (in this folder: with --overwrite).");
            stream.Seek(-TrailerLength, SeekOrigin.End);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            var offset = reader.ReadInt64();
            var length = reader.ReadInt64();
            if (!reader.ReadBytes(TrailerMagic.Length).AsSpan().SequenceEqual(TrailerMagic) || offset < Magic.Length || length <= 0
                || length > stream.Length - TrailerLength - offset)
                throw new InputException($"{path} is truncated or damaged (its index is missing); start the run again (in this folder: with --overwrite).");
            stream.Seek(offset, SeekOrigin.Begin);
            var state = JsonSerializer.Deserialize<CheckpointState>(reader.ReadBytes((int)length), RunFolder.Json)
                        ?? throw new InputException($"{path} holds an empty checkpoint state.");
            if (state.Sections.FirstOrDefault(s => s is null || s.Offset < Magic.Length || s.Length < 0 || s.Length > offset - s.Offset) is { } bad)
                throw new InputException($"{path} is damaged: its index places the {bad?.Type ?? "section"} '{bad?.Name}' outside the file's data.");
            return new Checkpoint(path, state);
        }
        catch (Exception e) when (e is IOException or JsonException or EndOfStreamException)
        {
            throw new InputException($"{path} cannot be read as a checkpoint ({e.Message}).", e);
        }
    }

    /// <summary>The checkpoint of a run folder (see <see cref="Open"/>).</summary>
    public static Checkpoint? In(RunFolder run) => Open(run.CheckpointPath);

    /// <summary>
    /// Puts <paramref name="context"/> where this checkpoint left the run: loads every module (each must be in the
    /// file) and the optimisers registered so far (those of the checkpoint's phase; optimisers registered later get
    /// theirs when <see cref="TrainingContext.SetOptimizer"/> is called in that phase), the generators, the position,
    /// history and seconds; the callbacks get their state when the fit begins.
    /// </summary>
    public void Restore(TrainingContext context)
    {
        foreach (var (name, module) in context.Modules) LoadModule(name, module);
        context.Epoch = State.EpochsCompleted;
        context.FirstBatch = State.BatchesDone;
        context.BatchIndex = State.BatchesDone;
        context.GlobalStep = State.GlobalStep;
        context.History.Clear();
        context.History.AddRange(State.History.Select(h => new Dictionary<string, double>(h)));
        context.StepSums = new Dictionary<string, double>(State.StepSums);
        context.StepCount = State.StepCount;
        context.PriorSeconds = State.Seconds;
        RestoreRng(State.Rng);
        foreach (var (name, generator) in context.Generators)
            if (State.Generators.TryGetValue(name, out var saved)) Restore(generator, saved, $"random generator '{name}'");
        context.PendingCallbackStates = State.Callbacks;
        context.Resuming = this;
        foreach (var named in context.Optimizers) TryLoadOptimizer(named, context.Phase?.Name ?? State.Phase);
    }

    /// <summary>
    /// Loads the weights saved under <paramref name="name"/> into <paramref name="module"/>, which must have the saved
    /// module's architecture; an <see cref="InputException"/> naming the file when the file has no such module or its
    /// weights do not fit.
    /// </summary>
    public void LoadModule(string name, nn.Module module)
    {
        var section = State.Sections.FirstOrDefault(s => s.Type == "module" && s.Name == name)
                      ?? throw new InputException($"{Path} holds no weights for '{name}'; it belongs to another kind of run.");
        Read(section, reader =>
        {
            StateDictCheck.Check(reader.BaseStream, module, section.Offset + section.Length, $"{Path} (the weights of '{name}')");
            module.load(reader);
        });
    }

    /// <summary>Loads the optimiser state saved under <paramref name="named"/>'s name in <paramref name="phase"/>, if there is one; true when loaded.</summary>
    internal bool TryLoadOptimizer(NamedOptimizer named, string? phase)
    {
        var section = State.Sections.FirstOrDefault(s => s.Type == "optimizer" && s.Name == named.Name && s.Phase == phase);
        if (section is null) return false;
        Read(section, reader => Helper(named.Optimizer).load_state_dict(reader));
        return true;
    }

    void Read(CheckpointSection section, Action<BinaryReader> read)
    {
        try
        {
            using var stream = File.OpenRead(Path);
            stream.Seek(section.Offset, SeekOrigin.Begin);
            using var reader = new BinaryReader(stream);
            read(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InputException($"{Path} is truncated: the file ends inside the {section.Type} '{section.Name}'.", e);
        }
        catch (Exception e) when (e is not InputException)
        {
            throw new InputException($"{Path}: the {section.Type} '{section.Name}' cannot be restored from it ({e.Message}).", e);
        }
    }

    static CheckpointSection Section(Stream stream, BinaryWriter writer, string name, string type, string? phase, Action write)
    {
        writer.Flush();
        var start = stream.Position;
        write();
        writer.Flush();
        return new CheckpointSection(name, type, phase, start, stream.Position - start);
    }

    // The state-dict methods live on OptimizerHelper, which every built-in TorchSharp optimizer derives from.
    static OptimizerHelper Helper(optim.Optimizer optimizer) => optimizer as OptimizerHelper
        ?? throw new ArgumentException($"optimizer {optimizer.GetType().Name} cannot save its state", nameof(optimizer));

    /// <summary>LibTorch's default generator state, base64.</summary>
    public static string CaptureRng()
    {
        using var state = random.get_rng_state();
        return Convert.ToBase64String(state.bytes.ToArray());
    }

    /// <summary>Restores LibTorch's default generator to the state this checkpoint captured (nothing when it has none).</summary>
    void RestoreRng(string base64)
    {
        if (string.IsNullOrEmpty(base64)) return;
        using var current = random.get_rng_state();
        using var state = tensor(StateBytes(base64, current.numel(), "LibTorch's random generator"), dtype: ScalarType.Byte);
        random.set_rng_state(state);
    }

    static string Capture(Generator generator)
    {
        using var state = generator.get_state();
        return Convert.ToBase64String(state.bytes.ToArray());
    }

    void Restore(Generator generator, string base64, string what)
    {
        using var current = generator.get_state();
        using var state = tensor(StateBytes(base64, current.numel(), what), dtype: ScalarType.Byte);
        generator.set_state(state);
    }

    /// <summary>
    /// The bytes of a saved generator state, checked first: LibTorch aborts the process (it does not throw) on a state
    /// of the wrong size.
    /// </summary>
    byte[] StateBytes(string base64, long expectedLength, string what)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new InputException($"{Path} is damaged: the state of {what} is not valid base64.", e);
        }
        if (bytes.Length != expectedLength)
            throw new InputException($"{Path} is damaged: the state of {what} has {bytes.Length} bytes, not {expectedLength}.");
        return bytes;
    }
}
