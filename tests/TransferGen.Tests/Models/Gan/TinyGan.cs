using TransferGen.Data;
using TransferGen.Models.Gan;

namespace TransferGen.Tests.Models.Gan;

/// <summary>Small networks for fast tests: the real architectures with narrow layers.</summary>
static class TinyGan
{
    public static GanOptions Options(bool spectralNorm = false, bool? batchNorm = null,
        ConditionalDiscriminator conditioning = ConditionalDiscriminator.Projection) => new()
    {
        Nz = 8,
        Ngf = 4,
        Ndf = 4,
        MlpHidden = 16,
        ClassEmbeddingDim = 3,
        SpectralNorm = spectralNorm,
        DiscriminatorBatchNorm = batchNorm,
        Conditioning = conditioning,
    };

    /// <summary>Builds a pair by a test-friendly variant name: mlp, dcgan, cdcgan-proj, cdcgan-ac, dcgan-sn.</summary>
    public static (GanGenerator G, GanDiscriminator D) Create(string variant, ImageShape shape, int classes = 3, bool? batchNorm = null)
    {
        TorchSharp.torch.random.manual_seed(1);
        return variant switch
        {
            "mlp" => GanFactory.Create("mlp", shape, classes, Options(batchNorm: batchNorm)),
            "dcgan" => GanFactory.Create("dcgan", shape, classes, Options(batchNorm: batchNorm)),
            "dcgan-sn" => GanFactory.Create("dcgan", shape, classes, Options(spectralNorm: true, batchNorm: batchNorm)),
            "cdcgan-proj" => GanFactory.Create("cdcgan", shape, classes, Options(batchNorm: batchNorm)),
            "cdcgan-ac" => GanFactory.Create("cdcgan", shape, classes, Options(batchNorm: batchNorm, conditioning: ConditionalDiscriminator.AuxiliaryClassifier)),
            _ => throw new ArgumentException(variant),
        };
    }
}
