#include "gan/nn/gram.h"

#include "gan/core/gemm.h"

void gan_gram_forward(float *gram, const float *feat, int c, long hw, float scale, gan_pool *pool)
{
    gan_gemm(GAN_NO_TRANS, GAN_TRANS, c, c, (int)hw, scale, feat, (int)hw, feat, (int)hw, 0.0f, gram, c,
             pool);
}

void gan_gram_backward(float *dfeat, const float *dgram, const float *feat, int c, long hw, float scale,
                       float *ws, gan_pool *pool)
{
    for (int i = 0; i < c; i++)
        for (int j = 0; j < c; j++) ws[(long)i * c + j] = dgram[(long)i * c + j] + dgram[(long)j * c + i];
    gan_gemm(GAN_NO_TRANS, GAN_NO_TRANS, c, (int)hw, c, scale, ws, c, feat, (int)hw, 1.0f, dfeat, (int)hw,
             pool);
}
