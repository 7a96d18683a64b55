// How fast one core reads F32 rows from memory while summing each in the decoder's specified order (eight double
// partial sums of exact products, AVX-512: cvtps_pd + fmadd_pd), one row after another, two or eight adjacent rows
// interleaved, two, four or eight rows a half, a quarter or an eighth of the matrix apart (rows "-2", "-4", "-8"; four
// is native/binaryllm_f32.c's streamed path), with and without software prefetch: the C bound the Java products are
// set against (benchmarks/results/2026-12-08-decoder-vs-llama-cpp-f32-amd-epyc-2core.md). 40 matrices of 2,048 x 768
// (250 MB).
//   gcc -O3 -march=native benchmarks/kvcache/f32-row-stream.c -o /tmp/f32-row-stream && taskset -c 0 /tmp/f32-row-stream
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static inline double hsum(__m512d v){double p[8];_mm512_storeu_pd(p,v);return ((p[0]+p[1])+(p[2]+p[3]))+((p[4]+p[5])+(p[6]+p[7]));}
// k rows a (1/k)th of the matrix apart; always inlined with a constant k, so the accumulators stay in registers
static inline __attribute__((always_inline)) int far(const float*w,int rows,int d,const double*xd,float*out,const int k){
  int q=rows/k; for(int r=0;r<q;r++){ __m512d s[8]; for(int i=0;i<k;i++)s[i]=_mm512_setzero_pd();
    for(int j=0;j<d;j+=8){__m512d x=_mm512_loadu_pd(xd+j); for(int i=0;i<k;i++) s[i]=_mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(w+(size_t)(r+i*q)*d+j)),x,s[i]);}
    for(int i=0;i<k;i++)out[r+i*q]=(float)hsum(s[i]);}
  return k*q;}
void mv(const float*w,int rows,int d,const double*xd,float*out,int rb,int pf){
  int r=0;
  if(rb==2){ for(;r+2<=rows;r+=2){const float*a=w+(size_t)r*d,*b=a+d;__m512d s0=_mm512_setzero_pd(),s1=s0;
      for(int j=0;j<d;j+=8){ if(pf){_mm_prefetch((const char*)(a+j+pf),_MM_HINT_T0);_mm_prefetch((const char*)(b+j+pf),_MM_HINT_T0);}
        __m512d x=_mm512_loadu_pd(xd+j); s0=_mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(a+j)),x,s0); s1=_mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(b+j)),x,s1);}
      out[r]=(float)hsum(s0);out[r+1]=(float)hsum(s1);} }
  if(rb==8){ for(;r+8<=rows;r+=8){const float*a=w+(size_t)r*d; __m512d s[8]; for(int i=0;i<8;i++)s[i]=_mm512_setzero_pd();
      for(int j=0;j<d;j+=8){__m512d x=_mm512_loadu_pd(xd+j); for(int i=0;i<8;i++){ if(pf&&!(j&15))_mm_prefetch((const char*)(a+(size_t)i*d+j+pf),_MM_HINT_T0); s[i]=_mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(a+(size_t)i*d+j)),x,s[i]);}}
      for(int i=0;i<8;i++)out[r+i]=(float)hsum(s[i]);} }
  if(rb==-2) r=far(w,rows,d,xd,out,2);
  if(rb==-4) r=far(w,rows,d,xd,out,4);
  if(rb==-8) r=far(w,rows,d,xd,out,8);
  for(;r<rows;r++){const float*a=w+(size_t)r*d;__m512d s0=_mm512_setzero_pd();
      for(int j=0;j<d;j+=8){ if(pf&&!(j&15))_mm_prefetch((const char*)(a+j+pf),_MM_HINT_T0); s0=_mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(a+j)),_mm512_loadu_pd(xd+j),s0);} out[r]=(float)hsum(s0);}
}
int main(int c,char**v){int rows=2048,d=768,m=40;size_t n=(size_t)m*rows*d;float*w=aligned_alloc(64,n*4);for(size_t i=0;i<n;i++)w[i]=(float)(i%97)*0.01f;
 double*xd=aligned_alloc(64,d*8);for(int i=0;i<d;i++)xd[i]=i*0.001;float*out=malloc(rows*4);
 int cfg[][2]={{1,0},{2,0},{8,0},{-2,0},{-4,0},{-8,0},{1,512},{2,512},{8,256},{1,1024},{2,1024}};
 for(int k=0;k<11;k++){double best=1e9;for(int rep=0;rep<8;rep++){double t=now();for(int i=0;i<m;i++)mv(w+(size_t)i*rows*d,rows,d,xd,out,cfg[k][0],cfg[k][1]);t=now()-t;if(t<best)best=t;}
  printf("rows %d prefetch %d: %.1f GB/s\n",cfg[k][0],cfg[k][1],n*4/best/1e9);}
 return out[5]>1e30;}
