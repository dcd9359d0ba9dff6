using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace TransferGen.Training.Callbacks;

/// <summary>
/// Keeps the weights of the epoch with the best <see cref="Monitor"/> figure (higher is better); on equal scores the
/// lower <see cref="TieBreak"/> wins, since small validation splits often tie at 100 % while the model still improves.
/// The best weights stay in memory and, given a path, are written to it (model.pt); <see cref="Restore"/> puts them
/// back into the model at the end. Records "best_MONITOR" in every epoch's figures.
/// </summary>
public sealed class BestModelSelection : ICheckpointedCallback, IDisposable
{
    readonly nn.Module _model;
    readonly string? _path;
    readonly Func<TrainingContext, bool>? _deferWrite;
    Dictionary<string, Tensor>? _best;
    bool _pending;

    /// <summary>Creates the selection.</summary>
    /// <param name="model">The module whose weights are kept.</param>
    /// <param name="path">Where to write the best weights (TorchSharp format); null keeps them in memory only.</param>
    /// <param name="monitor">The epoch figure to maximise.</param>
    /// <param name="tieBreak">The epoch figure to minimise between equal scores; null for none.</param>
    /// <param name="deferWrite">
    /// When it says so at an epoch end, the write waits for a later epoch (or a cancel, or the end of the fit): a
    /// fine-tune's probe on cached features takes milliseconds an epoch, which writing the whole model would dominate.
    /// </param>
    public BestModelSelection(nn.Module model, string? path = null, string monitor = "val_accuracy", string? tieBreak = "val_loss",
        Func<TrainingContext, bool>? deferWrite = null)
    {
        _model = model;
        _path = path;
        _deferWrite = deferWrite;
        Monitor = monitor;
        TieBreak = tieBreak;
    }

    /// <summary>Runs after validation figures exist, before early stopping (60) and the loggers (100).</summary>
    public int Order => 50;

    /// <summary>The figure maximised.</summary>
    public string Monitor { get; }

    /// <summary>The figure minimised between equal scores.</summary>
    public string? TieBreak { get; }

    /// <summary>The best score so far (−∞ before the first).</summary>
    public double BestScore { get; private set; } = double.NegativeInfinity;

    /// <summary>The tie-break figure at the best epoch.</summary>
    public double BestTieBreak { get; private set; } = double.PositiveInfinity;

    /// <summary>Epoch of the best score (from 0; −1 before the first).</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <inheritdoc />
    public string StateKey => "best_model";

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        if (context.EpochMetrics.TryGetValue(Monitor, out var score))
        {
            var tie = TieBreak is null ? 0 : context.EpochMetrics.GetValueOrDefault(TieBreak, double.PositiveInfinity);
            if (score > BestScore || (score == BestScore && tie < BestTieBreak)) Keep(score, tie, context.Epoch);
        }
        context.EpochMetrics["best_" + Monitor] = BestScore;
        if (_deferWrite?.Invoke(context) != true) Flush();
    }

    /// <inheritdoc />
    public void AfterCancel(TrainingContext context) => Flush();

    /// <inheritdoc />
    public void AfterFit(TrainingContext context) => Flush();

    /// <summary>
    /// Loads the best weights into the model: from memory, or from the file after a resume; false when there are none.
    /// </summary>
    public bool Restore()
    {
        if (_best is not null)
        {
            _model.load_state_dict(_best);
            return true;
        }
        if (BestEpoch >= 0 && _path is not null && File.Exists(_path))
        {
            RunFolder.LoadWeights(_model, _path);
            return true;
        }
        return false;
    }

    /// <summary>Writes the best weights to the file if they changed since the last write.</summary>
    public void Flush()
    {
        if (!_pending || _best is null || _path is null) return;
        // The file must hold the best weights, not the current ones: swap them in for the write.
        var current = CopyState();
        try
        {
            _model.load_state_dict(_best);
            RunFolder.SaveWeights(_model, _path);
            _pending = false;
        }
        finally
        {
            _model.load_state_dict(current);
            foreach (var t in current.Values) t.Dispose();
        }
    }

    /// <inheritdoc />
    public JsonNode SaveState() => new JsonObject
    {
        ["score"] = JsonValue.Create(Finite(BestScore)),
        ["tie_break"] = JsonValue.Create(Finite(BestTieBreak)),
        ["epoch"] = BestEpoch,
    };

    /// <inheritdoc />
    public void RestoreState(JsonNode state)
    {
        BestScore = state["score"]?.GetValue<double?>() ?? double.NegativeInfinity;
        BestTieBreak = state["tie_break"]?.GetValue<double?>() ?? double.PositiveInfinity;
        BestEpoch = state["epoch"]?.GetValue<int>() ?? -1;
    }

    /// <inheritdoc />
    public void Dispose() => DisposeBest();

    // JSON has no infinities; null stands for "none yet".
    static double? Finite(double value) => double.IsFinite(value) ? value : null;

    void Keep(double score, double tie, int epoch)
    {
        BestScore = score;
        BestTieBreak = tie;
        BestEpoch = epoch;
        DisposeBest();
        _best = CopyState();
        _pending = _path is not null;
    }

    /// <summary>
    /// A copy of the model's state dict. Called from callbacks, outside any step's dispose scope: every temporary is
    /// disposed here, or it would wait for the garbage collector's finalizer.
    /// </summary>
    Dictionary<string, Tensor> CopyState()
    {
        var copy = new Dictionary<string, Tensor>();
        using var noGrad = no_grad();
        foreach (var (key, value) in _model.state_dict()) copy[key] = value.clone();
        return copy;
    }

    void DisposeBest()
    {
        if (_best is null) return;
        foreach (var t in _best.Values) t.Dispose();
        _best = null;
    }
}
